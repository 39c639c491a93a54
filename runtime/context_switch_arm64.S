// Copyright 2026 The gotest Authors.
//
// AArch64 (AAPCS64) stack switch; see context_switch.h for the design. The frame of
// a suspended context, 160 bytes from its saved stack pointer upwards:
//   x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 d8 d9 d10 d11 d12 d13 d14 d15 x29 x30
// x30 (the link register) is the resume PC; resuming branches to it with `br`
// (no `ret`, which would consult the return-address predictor).

#if defined(__aarch64__)

        .text

// Saves the callee-saved registers in a frame on the current stack, stores
// the stack pointer to *x0, switches to x1 and loads the new context's frame:
// the common part of both switches, which differ only in how they resume.
        .macro  SWITCH_STACKS
        sub     sp, sp, #160
        stp     x19, x20, [sp, #0]
        stp     x21, x22, [sp, #16]
        stp     x23, x24, [sp, #32]
        stp     x25, x26, [sp, #48]
        stp     x27, x28, [sp, #64]
        stp     d8, d9, [sp, #80]
        stp     d10, d11, [sp, #96]
        stp     d12, d13, [sp, #112]
        stp     d14, d15, [sp, #128]
        stp     x29, x30, [sp, #144]
        mov     x9, sp
        str     x9, [x0]
        mov     sp, x1
        ldp     x19, x20, [sp, #0]
        ldp     x21, x22, [sp, #16]
        ldp     x23, x24, [sp, #32]
        ldp     x25, x26, [sp, #48]
        ldp     x27, x28, [sp, #64]
        ldp     d8, d9, [sp, #80]
        ldp     d10, d11, [sp, #96]
        ldp     d12, d13, [sp, #112]
        ldp     d14, d15, [sp, #128]
        ldp     x29, x30, [sp, #144]
        add     sp, sp, #160
        .endm

// void* go_ctx_switch(void** save_sp /*x0*/, void* new_sp /*x1*/, void* arg /*x2*/)
        .globl  go_ctx_switch
        .type   go_ctx_switch, %function
        .p2align 4
go_ctx_switch:
        .cfi_startproc
        SWITCH_STACKS
        mov     x0, x2
        br      x30
        .cfi_endproc
        .size   go_ctx_switch, .-go_ctx_switch

// Same frame and contract, but resumes with `ret` (through x30): for a switch
// between two contexts suspended at the same call site (Gosched to Gosched),
// where the return-address predictor's top entry is exactly the resume PC.
        .globl  go_ctx_switch_ret
        .type   go_ctx_switch_ret, %function
        .p2align 4
go_ctx_switch_ret:
        .cfi_startproc
        SWITCH_STACKS
        mov     x0, x2
        ret
        .cfi_endproc
        .size   go_ctx_switch_ret, .-go_ctx_switch_ret

// Entered by the first switch to a context made by MakeContext: x19 = entry,
// x20 = arg, x29 = 0.
        .globl  go_ctx_trampoline
        .type   go_ctx_trampoline, %function
        .p2align 4
go_ctx_trampoline:
        .cfi_startproc
        .cfi_undefined x30
        msr     fpcr, xzr
        mov     x0, x20
        blr     x19
        brk     #0
        .cfi_endproc
        .size   go_ctx_trampoline, .-go_ctx_trampoline

#endif  // __aarch64__

        .section .note.GNU-stack,"",%progbits
