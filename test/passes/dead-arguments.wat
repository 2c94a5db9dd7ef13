;; PASSES: dead-arguments
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "next" (func $next (result i32)))
  (type $ii (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $in_table $indirect_target)
  (global $g (mut i32) (i32.const 0))
  (elem declare func $referenced)

  ;; $b is never read: removed here and at both sites
  (func $unread (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (i32.const 1)))
  ;; CHECK: (func $unread (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1)))

  ;; the same constant at every site: $k becomes a local set to 7 at entry; $x varies and stays
  (func $const (param $x i32) (param $k i32) (result i32)
    (i32.mul (local.get $x) (local.get $k)))
  ;; CHECK: (func $const (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 7))
  ;; CHECK:   (i32.mul
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (local.get 1)))

  ;; different constants at the two sites: nothing changes
  (func $two_consts (param $k i32) (result i32)
    (i32.add (local.get $k) (i32.const 1)))
  ;; CHECK: (func $two_consts (param i32) (result i32)
  ;; CHECK:   (i32.add
  ;; CHECK:     (local.get 0)
  ;; CHECK:     (i32.const 1)))

  ;; every caller drops the result: it is removed (the early return becomes a branch)
  (func $dropped (param $x i32) (result i32)
    (global.set $g (local.get $x))
    (if (local.get $x) (then (return (i32.const 5))))
    (i32.const 6))
  ;; CHECK: (func $dropped (param i32)
  ;; CHECK:   (drop
  ;; CHECK:     (block $B0 (result i32)
  ;; CHECK:       (global.set 0
  ;; CHECK:         (local.get 0))
  ;; CHECK:       (if $B1
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (then
  ;; CHECK:           (br $B0
  ;; CHECK:             (i32.const 5))))
  ;; CHECK:       (i32.const 6))))

  ;; one caller uses the result: it stays
  (func $used (param $x i32) (result i32)
    (global.set $g (local.get $x))
    (i32.const 6))
  ;; CHECK: (func $used (param i32) (result i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (i32.const 6))

  ;; $b unread, but the last argument at one site has a side effect that must stay after the
  ;; call to $next in the first argument: the first argument is spilled, the log call kept as a drop
  (func $effects (param $a i32) (param $b i32) (result i32)
    (local.get $a))
  ;; CHECK: (func $effects (param i32) (result i32)
  ;; CHECK:   (local.get 0))

  ;; $a unread with a side effect at one site: the call to $next stays, as a drop in front of
  ;; the next argument (still before it, still before the call); two pure sites pay for that drop
  (func $effects_first (param $a i32) (param $b i32) (result i32)
    (local.get $b))
  ;; CHECK: (func $effects_first (param i32) (result i32)
  ;; CHECK:   (local.get 0))

  ;; $b is only passed on to $unread's removed parameter: removed in a second round; $c is
  ;; only written: it becomes a declared local
  (func $chain (param $a i32) (param $b i32) (param $c i32) (result i32)
    (local.set $c (i32.const 9))
    (call $unread (local.get $a) (local.get $b)))
  ;; CHECK: (func $chain (param i32) (result i32)
  ;; CHECK:   (local i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.const 9))
  ;; CHECK:   (call 2
  ;; CHECK:     (local.get 0)))

  ;; must not change: exported
  (func $exported (export "exported") (param $a i32) (param $b i32) (result i32)
    (local.get $a))
  ;; CHECK: (func $exported (param i32 i32) (result i32)
  ;; CHECK:   (local.get 0))

  ;; must not change: in a table (call_indirect callers pass every argument)
  (func $in_table (param $a i32) (param $b i32) (result i32)
    (local.get $a))
  ;; CHECK: (func $in_table (param i32 i32) (result i32)
  ;; CHECK:   (local.get 0))

  ;; must not change: a call_indirect target through the table, and referenced by ref.func
  (func $indirect_target (type $ii)
    (i32.const 3))
  ;; CHECK: (func $indirect_target (param i32) (result i32)
  ;; CHECK:   (i32.const 3))
  (func $referenced (param $a i32) (result i32)
    (i32.const 4))
  ;; CHECK: (func $referenced (param i32) (result i32)
  ;; CHECK:   (i32.const 4))

  ;; must not change: a tail call passes its result on, so it is not dropped
  (func $tail_callee (param $x i32) (result i32)
    (global.set $g (local.get $x))
    (local.get $x))
  ;; CHECK: (func $tail_callee (param i32) (result i32)
  ;; CHECK:   (global.set 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (local.get 0))
  (func $tail_caller (param $x i32) (result i32)
    (return_call $tail_callee (local.get $x)))
  ;; CHECK: (func $tail_caller (param i32) (result i32)
  ;; CHECK:   (return_call 14
  ;; CHECK:     (local.get 0)))

  (func $main (export "main") (param $p i32) (result i32)
    (local $r i32)
    (local.set $r (call $unread (local.get $p) (i32.const 10)))
    (local.set $r (i32.add (local.get $r) (call $unread (i32.const 2) (i32.mul (local.get $p) (i32.const 3)))))
    (local.set $r (i32.add (local.get $r) (call $const (local.get $p) (i32.const 7))))
    (local.set $r (i32.add (local.get $r) (call $const (i32.const 4) (i32.const 7))))
    (local.set $r (i32.add (local.get $r) (call $two_consts (i32.const 1))))
    (local.set $r (i32.add (local.get $r) (call $two_consts (i32.const 2))))
    (drop (call $dropped (local.get $p)))
    (drop (call $dropped (i32.const 0)))
    (drop (call $used (local.get $p)))
    (local.set $r (i32.add (local.get $r) (call $used (i32.const 1))))
    (local.set $r (i32.add (local.get $r) (call $effects (call $next) (block (result i32) (call $log (i32.const 1)) (i32.const 2)))))
    (local.set $r (i32.add (local.get $r) (call $effects (local.get $p) (i32.const 0))))
    (local.set $r (i32.add (local.get $r) (call $effects (local.get $r) (local.get $p))))
    (local.set $r (i32.add (local.get $r) (call $effects_first (call $next) (local.get $p))))
    (local.set $r (i32.add (local.get $r) (call $effects_first (i32.const 3) (local.get $r))))
    (local.set $r (i32.add (local.get $r) (call $effects_first (local.get $p) (local.get $r))))
    (local.set $r (i32.add (local.get $r) (call $chain (local.get $p) (local.get $r) (i32.const 8))))
    (local.set $r (i32.add (local.get $r) (call $chain (local.get $r) (i32.const 1) (local.get $p))))
    (local.set $r (i32.add (local.get $r) (call $exported (local.get $p) (i32.const 1))))
    (local.set $r (i32.add (local.get $r) (call $in_table (local.get $p) (i32.const 1))))
    (local.set $r (i32.add (local.get $r) (call_indirect (type $ii) (local.get $p) (i32.const 1))))
    (local.set $r (i32.add (local.get $r) (call $referenced (i32.const 1))))
    (drop (ref.func $referenced))
    (local.set $r (i32.add (local.get $r) (call $tail_caller (local.get $p))))
    (drop (call $tail_callee (local.get $p)))
    (local.get $r))
  ;; CHECK: (func $main (param i32) (result i32)
  ;; CHECK:   (local i32 i32)
  ;; CHECK:   (local.set 1
  ;; CHECK:     (call 2
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 2
  ;; CHECK:         (i32.const 2))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 3
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 3
  ;; CHECK:         (i32.const 4))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 4
  ;; CHECK:         (i32.const 1))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 4
  ;; CHECK:         (i32.const 2))))
  ;; CHECK:   (call 5
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (call 5
  ;; CHECK:     (i32.const 0))
  ;; CHECK:   (drop
  ;; CHECK:     (call 6
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 6
  ;; CHECK:         (i32.const 1))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (block $B0 (result i32)
  ;; CHECK:         (local.set 2
  ;; CHECK:           (call 1))
  ;; CHECK:         (drop
  ;; CHECK:           (block $B1 (result i32)
  ;; CHECK:             (call 0
  ;; CHECK:               (i32.const 1))
  ;; CHECK:             (i32.const 2)))
  ;; CHECK:         (call 7
  ;; CHECK:           (local.get 2)))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 7
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 7
  ;; CHECK:         (local.get 1))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 8
  ;; CHECK:         (block $B2 (result i32)
  ;; CHECK:           (drop
  ;; CHECK:             (call 1))
  ;; CHECK:           (local.get 0)))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 8
  ;; CHECK:         (local.get 1))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 8
  ;; CHECK:         (local.get 1))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 9
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 9
  ;; CHECK:         (local.get 1))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 10
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 11
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call_indirect 0 (type 0)
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 1))))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 13
  ;; CHECK:         (i32.const 1))))
  ;; CHECK:   (drop
  ;; CHECK:     (ref.func 13))
  ;; CHECK:   (local.set 1
  ;; CHECK:     (i32.add
  ;; CHECK:       (local.get 1)
  ;; CHECK:       (call 15
  ;; CHECK:         (local.get 0))))
  ;; CHECK:   (drop
  ;; CHECK:     (call 14
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (local.get 1))
)
