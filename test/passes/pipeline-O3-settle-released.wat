;; PASSES: -O3
;; inline-settle finds the functions a round changed by their bytes, not only by the dirty flag:
;; merging $m1 and $m2 leaves $callee one call site, the next round inlines it into the shared
;; function, and the inliner writes a caller of more than 200 nodes back to bytes at once (clearing
;; the flag). The passes after inlining used to skip it: the dropped f32.div stayed, and a second
;; -O3 run removed it (issue254: 67,046 -> 67,004 bytes from this alone).
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "logf" (func $logf (param f32)))
  (global $g (mut i32) (i32.const 100))
  (memory 1)
  (func $callee (export "callee") (param $x i32) (result f32)
    (if (i32.eqz (global.get $g)) (then (global.set $g (i32.const 100)) (unreachable)))
    (global.set $g (i32.sub (global.get $g) (i32.const 1)))
    (call $logf (f32.load (local.get $x)))
    (f32.div (f32.const 3) (f32.load (i32.add (local.get $x) (i32.const 4)))))
  ;; CHECK: (func $callee (param i32) (result f32)
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (global.get 0))
  ;; CHECK:     (then
  ;; CHECK:       (global.set 0
  ;; CHECK:         (i32.const 100))
  ;; CHECK:       (unreachable)))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const -1)))
  ;; CHECK:   (call 1
  ;; CHECK:     (f32.load
  ;; CHECK:       (local.get 0)))
  ;; CHECK:   (f32.div
  ;; CHECK:     (f32.const 3)
  ;; CHECK:     (f32.load
  ;; CHECK:       (i32.add
  ;; CHECK:         (local.get 0)
  ;; CHECK:         (i32.const 4)))))
  (func $m1 (export "m1")
    (call $log (i32.add (i32.load offset=0 (i32.const 64)) (i32.const 0)))
    (call $log (i32.add (i32.load offset=4 (i32.const 64)) (i32.const 1)))
    (call $log (i32.add (i32.load offset=8 (i32.const 64)) (i32.const 2)))
    (call $log (i32.add (i32.load offset=12 (i32.const 64)) (i32.const 3)))
    (call $log (i32.add (i32.load offset=16 (i32.const 64)) (i32.const 4)))
    (call $log (i32.add (i32.load offset=20 (i32.const 64)) (i32.const 5)))
    (call $log (i32.add (i32.load offset=24 (i32.const 64)) (i32.const 6)))
    (call $log (i32.add (i32.load offset=28 (i32.const 64)) (i32.const 7)))
    (call $log (i32.add (i32.load offset=32 (i32.const 64)) (i32.const 8)))
    (call $log (i32.add (i32.load offset=36 (i32.const 64)) (i32.const 9)))
    (call $log (i32.add (i32.load offset=40 (i32.const 64)) (i32.const 10)))
    (call $log (i32.add (i32.load offset=44 (i32.const 64)) (i32.const 11)))
    (call $log (i32.add (i32.load offset=48 (i32.const 64)) (i32.const 12)))
    (call $log (i32.add (i32.load offset=52 (i32.const 64)) (i32.const 13)))
    (call $log (i32.add (i32.load offset=56 (i32.const 64)) (i32.const 14)))
    (call $log (i32.add (i32.load offset=60 (i32.const 64)) (i32.const 15)))
    (call $log (i32.add (i32.load offset=64 (i32.const 64)) (i32.const 16)))
    (call $log (i32.add (i32.load offset=68 (i32.const 64)) (i32.const 17)))
    (call $log (i32.add (i32.load offset=72 (i32.const 64)) (i32.const 18)))
    (call $log (i32.add (i32.load offset=76 (i32.const 64)) (i32.const 19)))
    (call $log (i32.add (i32.load offset=80 (i32.const 64)) (i32.const 20)))
    (call $log (i32.add (i32.load offset=84 (i32.const 64)) (i32.const 21)))
    (call $log (i32.add (i32.load offset=88 (i32.const 64)) (i32.const 22)))
    (call $log (i32.add (i32.load offset=92 (i32.const 64)) (i32.const 23)))
    (call $log (i32.add (i32.load offset=96 (i32.const 64)) (i32.const 24)))
    (call $log (i32.add (i32.load offset=100 (i32.const 64)) (i32.const 25)))
    (call $log (i32.add (i32.load offset=104 (i32.const 64)) (i32.const 26)))
    (call $log (i32.add (i32.load offset=108 (i32.const 64)) (i32.const 27)))
    (call $log (i32.add (i32.load offset=112 (i32.const 64)) (i32.const 28)))
    (call $log (i32.add (i32.load offset=116 (i32.const 64)) (i32.const 29)))
    (call $log (i32.add (i32.load offset=120 (i32.const 64)) (i32.const 30)))
    (call $log (i32.add (i32.load offset=124 (i32.const 64)) (i32.const 31)))
    (call $log (i32.add (i32.load offset=128 (i32.const 64)) (i32.const 32)))
    (call $log (i32.add (i32.load offset=132 (i32.const 64)) (i32.const 33)))
    (call $log (i32.add (i32.load offset=136 (i32.const 64)) (i32.const 34)))
    (call $log (i32.add (i32.load offset=140 (i32.const 64)) (i32.const 35)))
    (call $log (i32.add (i32.load offset=144 (i32.const 64)) (i32.const 36)))
    (call $log (i32.add (i32.load offset=148 (i32.const 64)) (i32.const 37)))
    (call $log (i32.add (i32.load offset=152 (i32.const 64)) (i32.const 38)))
    (call $log (i32.add (i32.load offset=156 (i32.const 64)) (i32.const 39)))
    (call $log (i32.const 11))
    (drop (call $callee (i32.const 8))))
  ;; CHECK: (func $m1
  ;; CHECK:   (call 5
  ;; CHECK:     (i32.const 11)))
  (func $m2
    (call $log (i32.add (i32.load offset=0 (i32.const 64)) (i32.const 0)))
    (call $log (i32.add (i32.load offset=4 (i32.const 64)) (i32.const 1)))
    (call $log (i32.add (i32.load offset=8 (i32.const 64)) (i32.const 2)))
    (call $log (i32.add (i32.load offset=12 (i32.const 64)) (i32.const 3)))
    (call $log (i32.add (i32.load offset=16 (i32.const 64)) (i32.const 4)))
    (call $log (i32.add (i32.load offset=20 (i32.const 64)) (i32.const 5)))
    (call $log (i32.add (i32.load offset=24 (i32.const 64)) (i32.const 6)))
    (call $log (i32.add (i32.load offset=28 (i32.const 64)) (i32.const 7)))
    (call $log (i32.add (i32.load offset=32 (i32.const 64)) (i32.const 8)))
    (call $log (i32.add (i32.load offset=36 (i32.const 64)) (i32.const 9)))
    (call $log (i32.add (i32.load offset=40 (i32.const 64)) (i32.const 10)))
    (call $log (i32.add (i32.load offset=44 (i32.const 64)) (i32.const 11)))
    (call $log (i32.add (i32.load offset=48 (i32.const 64)) (i32.const 12)))
    (call $log (i32.add (i32.load offset=52 (i32.const 64)) (i32.const 13)))
    (call $log (i32.add (i32.load offset=56 (i32.const 64)) (i32.const 14)))
    (call $log (i32.add (i32.load offset=60 (i32.const 64)) (i32.const 15)))
    (call $log (i32.add (i32.load offset=64 (i32.const 64)) (i32.const 16)))
    (call $log (i32.add (i32.load offset=68 (i32.const 64)) (i32.const 17)))
    (call $log (i32.add (i32.load offset=72 (i32.const 64)) (i32.const 18)))
    (call $log (i32.add (i32.load offset=76 (i32.const 64)) (i32.const 19)))
    (call $log (i32.add (i32.load offset=80 (i32.const 64)) (i32.const 20)))
    (call $log (i32.add (i32.load offset=84 (i32.const 64)) (i32.const 21)))
    (call $log (i32.add (i32.load offset=88 (i32.const 64)) (i32.const 22)))
    (call $log (i32.add (i32.load offset=92 (i32.const 64)) (i32.const 23)))
    (call $log (i32.add (i32.load offset=96 (i32.const 64)) (i32.const 24)))
    (call $log (i32.add (i32.load offset=100 (i32.const 64)) (i32.const 25)))
    (call $log (i32.add (i32.load offset=104 (i32.const 64)) (i32.const 26)))
    (call $log (i32.add (i32.load offset=108 (i32.const 64)) (i32.const 27)))
    (call $log (i32.add (i32.load offset=112 (i32.const 64)) (i32.const 28)))
    (call $log (i32.add (i32.load offset=116 (i32.const 64)) (i32.const 29)))
    (call $log (i32.add (i32.load offset=120 (i32.const 64)) (i32.const 30)))
    (call $log (i32.add (i32.load offset=124 (i32.const 64)) (i32.const 31)))
    (call $log (i32.add (i32.load offset=128 (i32.const 64)) (i32.const 32)))
    (call $log (i32.add (i32.load offset=132 (i32.const 64)) (i32.const 33)))
    (call $log (i32.add (i32.load offset=136 (i32.const 64)) (i32.const 34)))
    (call $log (i32.add (i32.load offset=140 (i32.const 64)) (i32.const 35)))
    (call $log (i32.add (i32.load offset=144 (i32.const 64)) (i32.const 36)))
    (call $log (i32.add (i32.load offset=148 (i32.const 64)) (i32.const 37)))
    (call $log (i32.add (i32.load offset=152 (i32.const 64)) (i32.const 38)))
    (call $log (i32.add (i32.load offset=156 (i32.const 64)) (i32.const 39)))
    (call $log (i32.const 22))
    (drop (call $callee (i32.const 8))))
  ;; CHECK: (removed)
  (func $main (export "main")
    (call $m2)
    (call $m2))
  ;; CHECK: (func $main
  ;; CHECK:   (call 5
  ;; CHECK:     (i32.const 22))
  ;; CHECK:   (call 5
  ;; CHECK:     (i32.const 22)))
  ;; CHECK: (added)
  ;; CHECK: (func 5 (param i32)
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.load
  ;; CHECK:       (i32.const 64)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=4
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 1)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=8
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 2)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=12
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 3)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=16
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 4)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=20
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 5)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=24
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 6)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=28
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 7)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=32
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 8)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=36
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 9)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=40
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 10)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=44
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 11)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=48
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 12)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=52
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 13)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=56
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 14)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=60
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 15)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=64
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 16)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=68
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 17)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=72
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 18)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=76
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 19)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=80
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 20)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=84
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 21)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=88
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 22)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=92
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 23)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=96
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 24)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=100
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 25)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=104
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 26)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=108
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 27)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=112
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 28)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=116
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 29)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=120
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 30)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=124
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 31)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=128
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 32)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=132
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 33)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=136
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 34)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=140
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 35)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=144
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 36)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=148
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 37)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=152
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 38)))
  ;; CHECK:   (call 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (i32.load offset=156
  ;; CHECK:         (i32.const 64))
  ;; CHECK:       (i32.const 39)))
  ;; CHECK:   (call 0
  ;; CHECK:     (local.get 0))
  ;; CHECK:   (if $B0
  ;; CHECK:     (i32.eqz
  ;; CHECK:       (global.get 0))
  ;; CHECK:     (then
  ;; CHECK:       (global.set 0
  ;; CHECK:         (i32.const 100))
  ;; CHECK:       (unreachable)))
  ;; CHECK:   (global.set 0
  ;; CHECK:     (i32.add
  ;; CHECK:       (global.get 0)
  ;; CHECK:       (i32.const -1)))
  ;; CHECK:   (call 1
  ;; CHECK:     (f32.load
  ;; CHECK:       (i32.const 8)))
  ;; CHECK:   (drop
  ;; CHECK:     (f32.load
  ;; CHECK:       (i32.const 12))))
)
