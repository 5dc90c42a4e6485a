#include "app/graph/detail/placement.h"

#include "app/graph/detail/isotonic.h"

#include <algorithm>
#include <cmath>

namespace hs::graph::detail {

namespace {

// Weight of a vertex that has no neighbour to follow: it stays put unless pushed.
constexpr double kIdleWeight = 0.01;
// With a previous layout, a vertex of it weighs 1 (it wants to stay) and a new one at most this:
// where they compete for room, the new one gives way.
constexpr double kNewWeight = 0.05;

class Placer {
public:
    explicit Placer(const PlacementInput& in) : in_(in), lg_(*in.layered), o_(*in.ordering) {}

    std::vector<double> run() {
        const std::uint32_t layers = lg_.layerCount();
        y_.assign(lg_.vertexCount(), 0.0);
        pull_.assign(lg_.vertexCount(), 0.0);
        for (std::uint32_t v = 0; v < lg_.vertexCount(); ++v) {
            std::size_t degree = lg_.ups(v).size() + lg_.downs(v).size();
            pull_[v] = degree ? 1.0 / static_cast<double>(degree) : 0.0;
        }
        offsets_.resize(layers);
        for (std::uint32_t l = 0; l < layers; ++l) {
            const auto& layer = o_.layers[l];
            auto& off = offsets_[l];
            off.resize(layer.size());
            for (std::size_t i = 0; i < layer.size(); ++i)
                off[i] = i == 0 ? 0.0 : off[i - 1] + separation(layer[i - 1], layer[i]);
        }
        const bool memo = !in_.previousY.empty();
        for (std::uint32_t l = 0; l < layers; ++l) {
            if (memo)
                startFromPrevious(l);
            else
                startStacked(l);
        }
        for (int s = 0; s < in_.sweeps; ++s) {
            for (std::uint32_t l = 1; l < layers; ++l) place(l);
            for (std::uint32_t l = layers; l-- > 0;) place(l);
        }
        return std::move(y_);
    }

private:
    double separation(std::uint32_t a, std::uint32_t b) const {
        double s = (in_.height[a] + in_.height[b]) / 2 + in_.gap;
        if (in_.band[a] != kNoBand && in_.band[b] != kNoBand && in_.band[a] != in_.band[b]) s += in_.bandGap;
        return s;
    }

    bool known(std::uint32_t v) const { return !in_.previousY.empty() && !std::isnan(in_.previousY[v]); }

    void startStacked(std::uint32_t l) {
        const auto& layer = o_.layers[l];
        if (layer.empty()) return;
        double half = offsets_[l].back() / 2;
        for (std::size_t i = 0; i < layer.size(); ++i) y_[layer[i]] = offsets_[l][i] - half;
    }

    // Previous vertices where they were, new ones one gap after the vertex before them (or before
    // the one after them), then overlaps resolved.
    void startFromPrevious(std::uint32_t l) {
        const auto& layer = o_.layers[l];
        const auto& off = offsets_[l];
        std::size_t firstKnown = layer.size();
        for (std::size_t i = 0; i < layer.size(); ++i)
            if (known(layer[i])) {
                firstKnown = i;
                break;
            }
        if (firstKnown == layer.size()) {
            startStacked(l);
            return;
        }
        for (std::size_t i = firstKnown; i < layer.size(); ++i)
            y_[layer[i]] = known(layer[i]) ? in_.previousY[layer[i]] : y_[layer[i - 1]] + (off[i] - off[i - 1]);
        for (std::size_t i = firstKnown; i-- > 0;) y_[layer[i]] = y_[layer[i + 1]] - (off[i + 1] - off[i]);
        z_.resize(layer.size());
        w_.assign(layer.size(), 1.0);
        for (std::size_t i = 0; i < layer.size(); ++i) z_[i] = y_[layer[i]] - off[i];
        isotonicFit(z_, w_, iso_);
        for (std::size_t i = 0; i < layer.size(); ++i) y_[layer[i]] = z_[i] + off[i];
    }

    // Moves layer l as close as its order and gaps allow to where its vertices want to be.
    void place(std::uint32_t l) {
        const auto& layer = o_.layers[l];
        const auto& off = offsets_[l];
        z_.resize(layer.size());
        w_.resize(layer.size());
        for (std::size_t i = 0; i < layer.size(); ++i) {
            std::uint32_t v = layer[i];
            double target = y_[v], weight = kIdleWeight;
            if (known(v)) {
                target = in_.previousY[v];
                weight = 1;
            } else {
                double sum = 0, sumW = 0;
                for (std::uint32_t u : lg_.ups(v)) sum += pull_[u] * y_[u], sumW += pull_[u];
                for (std::uint32_t u : lg_.downs(v)) sum += pull_[u] * y_[u], sumW += pull_[u];
                if (sumW > 0) target = sum / sumW, weight = sumW;
                if (!in_.previousY.empty()) weight = std::min(weight, 1.0) * kNewWeight;
            }
            z_[i] = target - off[i];
            w_[i] = weight;
        }
        isotonicFit(z_, w_, iso_);
        for (std::size_t i = 0; i < layer.size(); ++i) y_[layer[i]] = z_[i] + off[i];
    }

    const PlacementInput& in_;
    const LayeredGraph& lg_;
    const Ordering& o_;
    std::vector<double> y_, pull_, z_, w_;
    std::vector<std::vector<double>> offsets_;
    IsotonicScratch iso_;
};

}  // namespace

std::vector<double> placeVertices(const PlacementInput& in) { return Placer(in).run(); }

}  // namespace hs::graph::detail
