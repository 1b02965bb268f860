//go:build !purego

#include "textflag.h"

// func gemm4x8(k, strips int, ap *[4]*float64, aK int, b *float64, ldb int, c *float64, ldc int, rows int)
//
// For each of strips 8-column strips s of b and c (64 bytes apart), adds
// Σ_{p<k} A(r, p)·b[p, 8s:8s+8] to c[r, 8s:8s+8] for rows r < rows, where
// A(r, p) = ap[r][p·aK]. Strides are in elements. k ≥ 1, strips ≥ 1,
// 1 ≤ rows ≤ 4; ap[r] for r ≥ rows must still point at k readable values.
// Four rows by eight columns make eight independent FMA chains, enough to
// hide the FMA latency, and the two loads of b serve four rows.
TEXT ·gemm4x8(SB), NOSPLIT, $0-72
	MOVQ aK+24(FP), R11
	SHLQ $3, R11
	MOVQ b+32(FP), AX
	MOVQ ldb+40(FP), R12
	SHLQ $3, R12
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R13
	SHLQ $3, R13
	MOVQ strips+8(FP), BX

strip:
	MOVQ ap+16(FP), DI
	MOVQ 0(DI), SI
	MOVQ 8(DI), R8
	MOVQ 16(DI), R9
	MOVQ 24(DI), R10
	MOVQ AX, DI
	MOVQ k+0(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

kloop:
	VMOVUPD      (DI), Y8
	VMOVUPD      32(DI), Y9
	VBROADCASTSD (SI), Y10
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VBROADCASTSD (R8), Y11
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VBROADCASTSD (R9), Y12
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VBROADCASTSD (R10), Y13
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         R11, SI
	ADDQ         R11, R8
	ADDQ         R11, R9
	ADDQ         R11, R10
	ADDQ         R12, DI
	DECQ         CX
	JNZ          kloop

	MOVQ    rows+64(FP), CX
	MOVQ    DX, DI
	VADDPD  (DI), Y0, Y0
	VMOVUPD Y0, (DI)
	VADDPD  32(DI), Y1, Y1
	VMOVUPD Y1, 32(DI)
	CMPQ    CX, $1
	JLE     next
	ADDQ    R13, DI
	VADDPD  (DI), Y2, Y2
	VMOVUPD Y2, (DI)
	VADDPD  32(DI), Y3, Y3
	VMOVUPD Y3, 32(DI)
	CMPQ    CX, $2
	JLE     next
	ADDQ    R13, DI
	VADDPD  (DI), Y4, Y4
	VMOVUPD Y4, (DI)
	VADDPD  32(DI), Y5, Y5
	VMOVUPD Y5, 32(DI)
	CMPQ    CX, $3
	JLE     next
	ADDQ    R13, DI
	VADDPD  (DI), Y6, Y6
	VMOVUPD Y6, (DI)
	VADDPD  32(DI), Y7, Y7
	VMOVUPD Y7, 32(DI)

next:
	ADDQ $64, AX
	ADDQ $64, DX
	DECQ BX
	JNZ  strip
	VZEROUPPER
	RET

// func tanh4(x *float64, n int, c *[tanhConsts]float64)
//
// Sets x[i] = tanh(x[i]) for i < n, n a multiple of 4, four at a time, by
// the same formulas as fastTanh (see fastmath.go for the constants' order):
// 1 − 2/(e^{2x}+1) with e^{2x} = 2^k·P(r), and the odd series where
// |x| < 1/8; both are computed and the right one blended in. NaN stays NaN.
TEXT ·tanh4(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ c+16(FP), SI
	SHRQ $2, CX
	JZ   done
	VBROADCASTSD 0(SI), Y15  // abs mask
	VBROADCASTSD 8(SI), Y14  // −20
	VBROADCASTSD 16(SI), Y13 // 20
	VBROADCASTSD 24(SI), Y12 // 1/8
	VBROADCASTSD 32(SI), Y11 // 1

loop:
	VMOVUPD (DI), Y0             // x
	VMAXPD  Y0, Y14, Y1          // max(−20, x), NaN kept
	VMINPD  Y1, Y13, Y1          // min(20, ·), NaN kept
	VADDPD  Y1, Y1, Y1           // t = 2x
	VBROADCASTSD 40(SI), Y2
	VMULPD  Y2, Y1, Y2           // t·log2e
	VROUNDPD $0, Y2, Y2          // k, to nearest
	VMOVAPD Y1, Y3
	VBROADCASTSD 48(SI), Y4
	VFNMADD231PD Y4, Y2, Y3      // r = t − k·ln2Hi
	VBROADCASTSD 56(SI), Y4
	VFNMADD231PD Y4, Y2, Y3      // r −= k·ln2Lo
	// P(r) = Σ r^j/j!, j ≤ 13, by Horner from the top.
	VBROADCASTSD 64(SI), Y4      // 1/13!
	VBROADCASTSD 72(SI), Y5
	VFMADD213PD  Y5, Y3, Y4      // y = y·r + c
	VBROADCASTSD 80(SI), Y5
	VFMADD213PD  Y5, Y3, Y4
	VBROADCASTSD 88(SI), Y5
	VFMADD213PD  Y5, Y3, Y4
	VBROADCASTSD 96(SI), Y5
	VFMADD213PD  Y5, Y3, Y4
	VBROADCASTSD 104(SI), Y5
	VFMADD213PD  Y5, Y3, Y4
	VBROADCASTSD 112(SI), Y5
	VFMADD213PD  Y5, Y3, Y4
	VBROADCASTSD 120(SI), Y5
	VFMADD213PD  Y5, Y3, Y4
	VBROADCASTSD 128(SI), Y5
	VFMADD213PD  Y5, Y3, Y4
	VBROADCASTSD 136(SI), Y5
	VFMADD213PD  Y5, Y3, Y4
	VBROADCASTSD 144(SI), Y5
	VFMADD213PD  Y5, Y3, Y4
	VBROADCASTSD 152(SI), Y5
	VFMADD213PD  Y5, Y3, Y4
	VFMADD213PD  Y11, Y3, Y4     // ·r + 1
	VFMADD213PD  Y11, Y3, Y4     // ·r + 1
	// 2^k: k + 1023 + 2^52 holds k+1023 in its low mantissa bits.
	VBROADCASTSD 160(SI), Y5
	VADDPD  Y5, Y2, Y2
	VPSLLQ  $52, Y2, Y2
	VMULPD  Y2, Y4, Y4           // e^{2x}
	VADDPD  Y11, Y4, Y4          // e^{2x} + 1
	VBROADCASTSD 168(SI), Y5     // 2
	VDIVPD  Y4, Y5, Y4           // 2/(e^{2x}+1)
	VSUBPD  Y4, Y11, Y4          // 1 − ·
	// The odd series x·(1 + x²·(−1/3 + x²·(...))) for |x| < 1/8.
	VMULPD  Y0, Y0, Y6           // x²
	VBROADCASTSD 176(SI), Y7
	VBROADCASTSD 184(SI), Y5
	VFMADD213PD  Y5, Y6, Y7
	VBROADCASTSD 192(SI), Y5
	VFMADD213PD  Y5, Y6, Y7
	VBROADCASTSD 200(SI), Y5
	VFMADD213PD  Y5, Y6, Y7
	VBROADCASTSD 208(SI), Y5
	VFMADD213PD  Y5, Y6, Y7
	VBROADCASTSD 216(SI), Y5
	VFMADD213PD  Y5, Y6, Y7
	VFMADD213PD  Y11, Y6, Y7     // ·x² + 1
	VMULPD  Y0, Y7, Y7           // ·x
	VANDPD  Y15, Y0, Y8          // |x|
	VCMPPD  $1, Y12, Y8, Y8      // |x| < 1/8 (false for NaN)
	VBLENDVPD Y8, Y7, Y4, Y4     // series where the mask is set
	VMOVUPD Y4, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     loop
	VZEROUPPER

done:
	RET
