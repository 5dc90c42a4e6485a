// layout_vs_dot: the driver of bench/layout_vs_dot.sh. It makes a synthetic graph, times our
// layout, writes the graph as DOT for Graphviz, and reads Graphviz's -Tplain layout back to count
// its crossings with the same counter as ours.
//
//   layout_vs_dot dot   [--pods N] [--seed S]             the graph as DOT (rankdir=LR, rank=same per lane)
//   layout_vs_dot ours  [--pods N] [--seed S] [--runs R]  "nodes edges median_ms min_ms crossings initial_crossings
//                                                          median_cpu_ms"
//   layout_vs_dot plain FILE [--pods N] [--seed S]        "crossings" of a dot -Tplain layout of that graph
//   layout_vs_dot draw  [--plain FILE] [--pods N] [--seed S]  a layout as DOT with fixed positions,
//                                                         for `neato -n2 -Tpng` (a picture to look at)
// --demo takes the bundled demo cluster's graph instead, --fold N folds Pod groups of N or more;
// --barycenter, --median, --no-blocks, --input-order and --sweeps N change our layout's options (for comparisons).

#include "app/graph/build_graph.h"
#include "app/graph/crossings.h"
#include "app/graph/fold.h"
#include "app/graph/graph_json.h"
#include "app/graph/layout.h"
#include "bench/synthetic_graph.h"
#include "resources/demo.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace hs::graph;

struct Args {
    std::string command;
    std::string file;
    std::string plain;
    std::uint32_t pods = 10000;
    std::uint64_t seed = 42;
    int runs = 7;
    bool demo = false;
    std::uint32_t fold = 0;
    LayoutOptions options;
};

int usage() {
    std::cerr << "usage: layout_vs_dot dot|ours|plain FILE|draw [--plain FILE] [--pods N] [--seed S] [--runs R]\n";
    return 2;
}

// Splits a -Tplain line into words; quoted words keep their spaces and lose their quotes.
std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && line[i] == ' ') ++i;
        if (i >= line.size()) break;
        std::string w;
        if (line[i] == '"') {
            for (++i; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] == '\\' && i + 1 < line.size()) ++i;
                w += line[i];
            }
            ++i;
        } else {
            while (i < line.size() && line[i] != ' ') w += line[i++];
        }
        out.push_back(std::move(w));
    }
    return out;
}

// Graphviz's layout of g as a Layout: boxes from the node lines (y flipped to grow downwards),
// routes from the edge lines' spline control points, columns from the boxes of each lane.
bool readPlain(const std::string& path, const Graph& g, Layout& out) {
    std::ifstream in(path);
    if (!in) return false;
    out.boxes.assign(g.nodes.size(), {});
    out.routes.assign(g.edges.size(), {});
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::size_t>> edgeOf;
    for (std::size_t e = g.edges.size(); e-- > 0;) edgeOf[{g.edges[e].from, g.edges[e].to}].push_back(e);
    std::string line;
    std::size_t nodes = 0;
    while (std::getline(in, line)) {
        auto w = words(line);
        if (w.empty()) continue;
        if (w[0] == "node" && w.size() >= 6 && w[1].size() > 1 && w[1][0] == 'n') {
            auto v = static_cast<std::uint32_t>(std::stoul(w[1].substr(1)));
            if (v >= g.nodes.size()) return false;
            double x = std::stod(w[2]), y = -std::stod(w[3]), wd = std::stod(w[4]), ht = std::stod(w[5]);
            out.boxes[v] = {x - wd / 2, y - ht / 2, wd, ht};
            ++nodes;
        } else if (w[0] == "edge" && w.size() >= 4) {
            auto a = static_cast<std::uint32_t>(std::stoul(w[1].substr(1)));
            auto b = static_cast<std::uint32_t>(std::stoul(w[2].substr(1)));
            auto it = edgeOf.find({a, b});
            if (it == edgeOf.end() || it->second.empty()) continue;
            std::size_t e = it->second.back();
            it->second.pop_back();
            auto n = static_cast<std::size_t>(std::stoul(w[3]));
            for (std::size_t k = 0; k < n && 5 + 2 * k < w.size(); ++k)
                out.routes[e].push_back({std::stod(w[4 + 2 * k]), -std::stod(w[5 + 2 * k])});
        }
    }
    for (int l = 0; l < kLaneCount; ++l) {
        bool any = false;
        double x0 = 0, x1 = 0;
        for (std::size_t v = 0; v < g.nodes.size(); ++v) {
            if (static_cast<int>(g.nodes[v].lane) != l) continue;
            const Rect& r = out.boxes[v];
            x0 = any ? std::min(x0, r.x) : r.x;
            x1 = any ? std::max(x1, r.right()) : r.right();
            any = true;
        }
        if (any) out.columns.push_back({static_cast<Lane>(l), x0, x1 - x0});
    }
    return nodes == g.nodes.size();
}

// A layout as DOT with pinned positions (points, y up), so `neato -n2` draws it as it is.
void draw(const Graph& g, const Layout& l, double scale) {
    std::cout << "digraph drawn {\n  node [shape=box, fontsize=8, fixedsize=true];\n  edge [arrowsize=0.3];\n";
    for (std::size_t v = 0; v < g.nodes.size(); ++v) {
        const Rect& r = l.boxes[v];
        std::cout << "  n" << v << " [label=\"" << g.nodes[v].label << "\", pos=\"" << (r.x + r.width / 2) * scale
                  << "," << -r.centerY() * scale << "\", width=" << r.width * scale / 72
                  << ", height=" << r.height * scale / 72 << "];\n";
    }
    for (std::size_t e = 0; e < g.edges.size(); ++e) {
        std::cout << "  n" << g.edges[e].from << " -> n" << g.edges[e].to;
        if (l.routes[e].size() > 2) {
            // Polyline as a degenerate B-spline: each point tripled.
            std::cout << " [pos=\"";
            for (std::size_t i = 0; i < l.routes[e].size(); ++i) {
                const Point& p = l.routes[e][i];
                int copies = i == 0 || i + 1 == l.routes[e].size() ? 1 : 3;
                for (int k = 0; k < copies; ++k) std::cout << (i || k ? " " : "") << p.x * scale << "," << -p.y * scale;
            }
            std::cout << "\"]";
        }
        std::cout << ";\n";
    }
    std::cout << "}\n";
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    std::vector<std::string> rest;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (s == "--pods")
            a.pods = static_cast<std::uint32_t>(std::stoul(value()));
        else if (s == "--seed")
            a.seed = std::stoull(value());
        else if (s == "--runs")
            a.runs = std::max(1, std::stoi(value()));
        else if (s == "--plain")
            a.plain = value();
        else if (s == "--demo")
            a.demo = true;
        else if (s == "--fold")
            a.fold = static_cast<std::uint32_t>(std::stoul(value()));
        else if (s == "--median")
            a.options.heuristic = OrderHeuristic::Median;
        else if (s == "--barycenter")
            a.options.heuristic = OrderHeuristic::Barycenter;
        else if (s == "--no-blocks")
            a.options.moveBlocks = false;
        else if (s == "--input-order")
            a.options.initialOrder = InitialOrder::Input;
        else if (s == "--sweeps")
            a.options.maxSweeps = std::stoi(value());
        else
            rest.push_back(s);
    }
    if (rest.empty()) return usage();
    a.command = rest[0];
    if (rest.size() > 1) a.file = rest[1];

    Graph g;
    if (a.demo) {
        auto loaded = hs::demo::load();
        if (!loaded.state) return 1;
        g = buildGraph(*loaded.state);
    } else {
        g = hs::bench::syntheticGraph(hs::bench::specForPods(a.pods, a.seed));
    }
    if (a.fold) g = foldPods(g, a.fold).graph;
    if (a.command == "dot") {
        std::cout << toDot(g);
        return 0;
    }
    if (a.command == "ours") {
        // Wall time, and the processor time of this (single-threaded) process: the second is
        // what one core spends, whatever else the machine is doing meanwhile.
        std::vector<double> ms, cpu;
        Layout l;
        for (int r = 0; r < a.runs; ++r) {
            auto t0 = std::chrono::steady_clock::now();
            std::clock_t c0 = std::clock();
            l = computeLayout(g, a.options);
            std::clock_t c1 = std::clock();
            auto t1 = std::chrono::steady_clock::now();
            ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            cpu.push_back(1000.0 * static_cast<double>(c1 - c0) / CLOCKS_PER_SEC);
        }
        std::sort(ms.begin(), ms.end());
        std::sort(cpu.begin(), cpu.end());
        std::int64_t counted = countCrossings(g, l);
        if (counted != l.crossings) {
            std::cerr << "crossing counts disagree: layout " << l.crossings << ", counter " << counted << "\n";
            return 1;
        }
        std::printf("%zu %zu %.2f %.2f %lld %lld %.2f\n", g.nodes.size(), g.edges.size(), ms[ms.size() / 2], ms.front(),
                    static_cast<long long>(counted), static_cast<long long>(l.stats.initialCrossings),
                    cpu[cpu.size() / 2]);
        return 0;
    }
    if (a.command == "plain") {
        Layout l;
        if (a.file.empty() || !readPlain(a.file, g, l)) {
            std::cerr << "cannot read a layout of this graph from " << a.file << "\n";
            return 1;
        }
        std::printf("%lld\n", static_cast<long long>(countCrossings(g, l)));
        return 0;
    }
    if (a.command == "draw") {
        Layout l;
        if (!a.plain.empty()) {
            if (!readPlain(a.plain, g, l)) return 1;
            draw(g, l, 72);
        } else {
            draw(g, computeLayout(g, a.options), 1);
        }
        return 0;
    }
    return usage();
}
