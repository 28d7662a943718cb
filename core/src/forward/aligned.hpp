#pragma once
// Internal: aligned float buffers for activations and scratch.
// - 64-byte alignment: Eigen's vectorised reductions peel a different number of leading
//   elements depending on a buffer's alignment, which changes the summation order; fixed
//   alignment makes every run of the same job bit-for-bit the same.
// - Not zero-filled: every buffer of the pass is written before it is read (valgrind's
//   memcheck over the forward fixtures of every family, docs/forward.md "Threads"). Filling
//   them cost a serial memset of every page (65 MiB of logits for llama_130m at T = 512) on the
//   calling thread before the parallel regions that write them anyway.
// - Buffers of 2 MiB or more start on a 2 MiB boundary and ask the kernel for transparent huge
//   pages (madvise), so first touching them costs one page fault per 2 MiB instead of per 4 KiB.
//   RSS is unchanged: only whole huge pages inside the buffer are advised.

#include <cstddef>
#include <new>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace llamascope {

template <typename T>
struct AlignedAllocator {
    using value_type = T;
    static constexpr std::align_val_t kAlignment{64};
    static constexpr std::size_t kHugePage = std::size_t{2} << 20;

    AlignedAllocator() = default;
    template <typename U>
    explicit AlignedAllocator(const AlignedAllocator<U>&) noexcept
    {
    }

    T* allocate(std::size_t n)
    {
        const std::size_t bytes = n * sizeof(T); // n ≤ max_size(): std::vector checks
        if (bytes < kHugePage)
            return static_cast<T*>(::operator new(bytes, kAlignment));
        void* p = ::operator new (bytes, std::align_val_t{kHugePage});
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        ::madvise(p, bytes / kHugePage * kHugePage, MADV_HUGEPAGE); // advice only: failure is harmless
#endif
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) noexcept
    {
        if (n * sizeof(T) < kHugePage)
            ::operator delete(p, kAlignment);
        else
            ::operator delete (p, std::align_val_t{kHugePage});
    }

    /// Default-initialises: a new float is left as it is (see above).
    template <typename U>
    void construct(U* p) noexcept(noexcept(U()))
    {
        ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args)
    {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }

    template <typename U>
    bool operator==(const AlignedAllocator<U>&) const noexcept
    {
        return true;
    }
};

using AlignedFloats = std::vector<float, AlignedAllocator<float>>;

} // namespace llamascope
