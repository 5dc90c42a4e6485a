#pragma once
// Text forms of the routing graph: the documented JSON (docs/graph-json.md) and Graphviz DOT.

#include "app/graph/graph.h"

#include <string>

namespace hs::graph {

std::string toJson(const Graph& g, bool pretty = true);
std::string toDot(const Graph& g);

}  // namespace hs::graph
