#include "simulator/replay/histogram.h"

#include <algorithm>
#include <bit>

namespace hs::replay {

namespace {
constexpr std::uint32_t kLinear = 64;  // exact buckets 0..63
constexpr std::uint32_t kSub = 32;  // per power of two above
}  // namespace

std::uint32_t LatencyHistogram::bucketOf(std::int64_t ns) {
    if (ns < 0) ns = 0;
    auto v = static_cast<std::uint64_t>(ns);
    if (v < kLinear) return static_cast<std::uint32_t>(v);
    unsigned e = 63u - static_cast<unsigned>(std::countl_zero(v));  // >= 6
    std::uint64_t mantissa = v >> (e - 5);  // 32..63
    return kLinear + (e - 6) * kSub + static_cast<std::uint32_t>(mantissa - kSub);
}

std::int64_t LatencyHistogram::bucketLow(std::uint32_t b) {
    if (b < kLinear) return b;
    std::uint32_t e = (b - kLinear) / kSub + 6;
    std::uint64_t mantissa = (b - kLinear) % kSub + kSub;
    return static_cast<std::int64_t>(mantissa << (e - 5));
}

std::int64_t LatencyHistogram::bucketHigh(std::uint32_t b) {
    if (b < kLinear) return b + 1;
    std::uint32_t e = (b - kLinear) / kSub + 6;
    std::uint64_t mantissa = (b - kLinear) % kSub + kSub;
    return static_cast<std::int64_t>((mantissa + 1) << (e - 5));
}

void LatencyHistogram::add(std::int64_t ns) {
    if (ns < 0) ns = 0;
    std::uint32_t b = bucketOf(ns);
    if (counts_.empty()) {
        offset_ = b;
        counts_.assign(1, 0);
    } else if (b < offset_) {
        counts_.insert(counts_.begin(), offset_ - b, 0);
        offset_ = b;
    } else if (b >= offset_ + counts_.size()) {
        counts_.resize(b - offset_ + 1, 0);
    }
    ++counts_[b - offset_];
    if (count_ == 0 || ns < min_) min_ = ns;
    if (count_ == 0 || ns > max_) max_ = ns;
    ++count_;
    sum_ += ns;
}

void LatencyHistogram::merge(const LatencyHistogram& o) {
    if (o.count_ == 0) return;
    for (std::size_t i = 0; i < o.counts_.size(); ++i) {
        if (!o.counts_[i]) continue;
        std::uint32_t b = o.offset_ + static_cast<std::uint32_t>(i);
        if (counts_.empty()) {
            offset_ = b;
            counts_.assign(1, 0);
        } else if (b < offset_) {
            counts_.insert(counts_.begin(), offset_ - b, 0);
            offset_ = b;
        } else if (b >= offset_ + counts_.size()) {
            counts_.resize(b - offset_ + 1, 0);
        }
        counts_[b - offset_] += o.counts_[i];
    }
    min_ = count_ ? std::min(min_, o.min_) : o.min_;
    max_ = count_ ? std::max(max_, o.max_) : o.max_;
    count_ += o.count_;
    sum_ += o.sum_;
}

std::int64_t LatencyHistogram::quantile(double q) const {
    if (count_ == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    // rank of the wanted value, 1-based (nearest-rank method)
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_) + 0.5);
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            auto b = static_cast<std::uint32_t>(offset_ + i);
            std::int64_t mid = bucketLow(b) + (bucketHigh(b) - bucketLow(b)) / 2;
            return std::clamp(mid, min_, max_);
        }
    }
    return max_;
}

}  // namespace hs::replay
