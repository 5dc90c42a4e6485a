// hopscope-cli graph: the routing graph as JSON (documented in docs/graph-json.md) or DOT.
#include "app/cli/cli.h"
#include "app/graph/build_graph.h"
#include "app/graph/graph_json.h"

#include <ostream>

namespace hs::cli {

namespace {

int runGraph(const Args& args, Io& io) {
    std::string format = args.get("--format", "json");
    if (format != "json" && format != "dot") {
        io.err << "error: --format must be json or dot\n";
        return kExitUsage;
    }
    int code = kExitOk;
    auto loaded = loadSource(args, io, code);
    if (!loaded) return code;
    auto profile = profileFrom(args, io, code);
    if (!profile) return code;
    graph::BuildOptions opt;
    opt.profile = *profile;
    opt.sliceLane = args.has("--slices");
    opt.nodeLane = args.has("--nodes");
    graph::Graph g = graph::buildGraph(*loaded->state, opt);
    io.out << (format == "json" ? graph::toJson(g) : graph::toDot(g));
    return kExitOk;
}

}  // namespace

Command graphCommand() {
    Command c;
    c.name = "graph";
    c.summary = "print the routing graph (Ingress → Service → Pod) as JSON or DOT";
    c.usage = "-f PATH... [--format json|dot] [--slices] [--nodes] [--profile P]";
    c.options = sourceOptions();
    c.options.push_back({"--format", "", true, false, false, "json (default) or dot", "FORMAT"});
    c.options.push_back({"--slices", "", false, false, false, "add an EndpointSlice lane", ""});
    c.options.push_back({"--nodes", "", false, false, false, "add a Node lane", ""});
    for (auto& o : profileOptions()) c.options.push_back(o);
    c.run = runGraph;
    return c;
}

}  // namespace hs::cli
