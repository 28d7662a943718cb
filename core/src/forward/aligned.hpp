#pragma once
// Internal: 64-byte aligned float buffers for activations. Eigen's vectorised reductions peel
// a different number of leading elements depending on a buffer's alignment, which changes
// the summation order; fixed alignment makes every run of the same job bit-for-bit the same.

#include <cstddef>
#include <new>
#include <vector>

namespace llamascope {

template <typename T>
struct AlignedAllocator {
    using value_type = T;
    static constexpr std::align_val_t kAlignment{64};

    AlignedAllocator() = default;
    template <typename U>
    explicit AlignedAllocator(const AlignedAllocator<U>&) noexcept
    {
    }
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, kAlignment); }
    template <typename U>
    bool operator==(const AlignedAllocator<U>&) const noexcept
    {
        return true;
    }
};

using AlignedFloats = std::vector<float, AlignedAllocator<float>>;

} // namespace llamascope
