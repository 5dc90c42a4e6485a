#pragma once
// Least-squares monotone fit (pool adjacent violators): the y placement of one lane is a fit of
// wished-for positions under "stay in order, keep the gaps".

#include <span>
#include <vector>

namespace hs::graph::detail {

// Replaces values by the nondecreasing sequence closest to them in weighted least squares.
// Weights must be positive. O(n); `scratch` keeps its allocation between calls.
struct IsotonicScratch {
    std::vector<double> sumW, sumWX;
    std::vector<std::size_t> end;
};
void isotonicFit(std::span<double> values, std::span<const double> weights, IsotonicScratch& scratch);

}  // namespace hs::graph::detail
