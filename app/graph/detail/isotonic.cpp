#include "app/graph/detail/isotonic.h"

namespace hs::graph::detail {

void isotonicFit(std::span<double> values, std::span<const double> weights, IsotonicScratch& s) {
    s.sumW.clear();
    s.sumWX.clear();
    s.end.clear();
    for (std::size_t i = 0; i < values.size(); ++i) {
        s.sumW.push_back(weights[i]);
        s.sumWX.push_back(weights[i] * values[i]);
        s.end.push_back(i + 1);
        // Pool while the block before has a larger mean than the last one.
        while (s.sumW.size() >= 2) {
            std::size_t b = s.sumW.size() - 1;
            if (s.sumWX[b - 1] * s.sumW[b] <= s.sumWX[b] * s.sumW[b - 1]) break;
            s.sumW[b - 1] += s.sumW[b];
            s.sumWX[b - 1] += s.sumWX[b];
            s.end[b - 1] = s.end[b];
            s.sumW.pop_back();
            s.sumWX.pop_back();
            s.end.pop_back();
        }
    }
    std::size_t begin = 0;
    for (std::size_t b = 0; b < s.sumW.size(); ++b) {
        double mean = s.sumWX[b] / s.sumW[b];
        for (std::size_t i = begin; i < s.end[b]; ++i) values[i] = mean;
        begin = s.end[b];
    }
}

}  // namespace hs::graph::detail
