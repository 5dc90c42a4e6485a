#pragma once
// A latency histogram with bounded relative error (log-linear buckets: exact below 64 ns, then
// 32 buckets per power of two, about 3 %), so percentiles of millions of requests need a few
// kilobytes and no stored latencies. Counts only grow over the range actually seen.

#include <cstdint>
#include <vector>

namespace hs::replay {

__extension__ typedef __int128 Int128;  // sums of nanoseconds over billions of requests

class LatencyHistogram {
public:
    void add(std::int64_t ns);
    void merge(const LatencyHistogram& other);

    std::uint64_t count() const { return count_; }
    std::int64_t min() const { return count_ ? min_ : 0; }
    std::int64_t max() const { return count_ ? max_ : 0; }
    std::int64_t mean() const { return count_ ? static_cast<std::int64_t>(sum_ / static_cast<Int128>(count_)) : 0; }
    // The value at quantile q (0..1): the midpoint of the bucket holding it, clamped to [min, max].
    std::int64_t quantile(double q) const;

    static std::uint32_t bucketOf(std::int64_t ns);
    static std::int64_t bucketLow(std::uint32_t bucket);
    static std::int64_t bucketHigh(std::uint32_t bucket);  // exclusive

private:
    std::vector<std::uint64_t> counts_;  // buckets [offset_, offset_ + counts_.size())
    std::uint32_t offset_ = 0;
    std::uint64_t count_ = 0;
    Int128 sum_ = 0;
    std::int64_t min_ = 0, max_ = 0;
};

}  // namespace hs::replay
