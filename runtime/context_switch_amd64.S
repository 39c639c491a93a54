// Copyright 2026 The gotest Authors.
//
// x86-64 System V stack switch; see context_switch.h for the design. The frame of a
// suspended context, from its saved stack pointer upwards:
//   r15 r14 r13 r12 rbx rbp resume-pc
// Resuming pops the registers and the resume PC and jumps to it (no `ret`).

#if defined(__x86_64__)

        .text

// Saves the callee-saved registers on the current stack, stores the stack
// pointer to *rdi, switches to rsi and pops the new context's registers: the
// common part of both switches, which differ only in how they resume.
        .macro  SWITCH_STACKS
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        .endm

// void* go_ctx_switch(void** save_sp /*rdi*/, void* new_sp /*rsi*/, void* arg /*rdx*/)
        .globl  go_ctx_switch
        .type   go_ctx_switch, @function
        .p2align 4
go_ctx_switch:
        .cfi_startproc
        SWITCH_STACKS
        popq    %rcx
        movq    %rdx, %rax
        jmpq    *%rcx
        .cfi_endproc
        .size   go_ctx_switch, .-go_ctx_switch

// Same frame and contract, but resumes with `ret`: for a switch between two
// contexts suspended at the same call site (Gosched to Gosched), where the
// return-stack predictor's top entry is exactly the resume PC and stays
// balanced for the returns that follow.
        .globl  go_ctx_switch_ret
        .type   go_ctx_switch_ret, @function
        .p2align 4
go_ctx_switch_ret:
        .cfi_startproc
        SWITCH_STACKS
        movq    %rdx, %rax
        ret
        .cfi_endproc
        .size   go_ctx_switch_ret, .-go_ctx_switch_ret

// Entered by the first switch to a context made by MakeContext: r12 = entry,
// r13 = arg, rbp = 0, rsp 16-byte aligned.
        .globl  go_ctx_trampoline
        .type   go_ctx_trampoline, @function
        .p2align 4
go_ctx_trampoline:
        .cfi_startproc
        .cfi_undefined rip
        // ABI-default FP control state for the new goroutine.
        ldmxcsr go_ctx_default_mxcsr(%rip)
        fldcw   go_ctx_default_fpucw(%rip)
        movq    %r13, %rdi
        callq   *%r12
        ud2
        .cfi_endproc
        .size   go_ctx_trampoline, .-go_ctx_trampoline

        .section .rodata
        .p2align 2
go_ctx_default_mxcsr:
        .long   0x1f80
go_ctx_default_fpucw:
        .short  0x037f

#endif  // __x86_64__

        .section .note.GNU-stack,"",@progbits
