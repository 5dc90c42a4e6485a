#include "app/graph/graph_json.h"

#include "model/json_writer.h"

namespace hs::graph {

std::string toJson(const Graph& g, bool pretty) {
    model::JsonWriter w(pretty);
    w.beginObject();
    w.key("nodes").beginArray();
    for (const auto& n : g.nodes) {
        w.beginObject();
        w.field("id", n.id).field("lane", laneName(n.lane)).field("label", n.label).field("detail", n.detail);
        w.field("namespace", n.ns);
        if (n.object) {
            w.key("object").beginObject();
            w.field("kind", model::kindName(n.object->kind))
                .field("namespace", n.object->ns)
                .field("name", n.object->name);
            w.endObject();
        } else {
            w.nullField("object");
        }
        w.field("health", healthName(n.health));
        if (!n.healthReason.empty()) w.field("reason", n.healthReason);
        if (n.members > 1) w.field("members", n.members);
        if (!n.group.empty()) w.field("group", n.group);
        w.endObject();
    }
    w.endArray();
    w.key("edges").beginArray();
    for (const auto& e : g.edges) {
        w.beginObject();
        w.field("from", g.nodes[e.from].id).field("to", g.nodes[e.to].id).field("health", healthName(e.health));
        if (!e.label.empty()) w.field("label", e.label);
        w.endObject();
    }
    w.endArray();
    w.endObject();
    std::string out = w.take();
    out += '\n';
    return out;
}

namespace {
std::string dotQuote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}
}  // namespace

std::string toDot(const Graph& g) {
    std::string out = "digraph hopscope {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans\"];\n";
    for (int lane = 0; lane < kLaneCount; ++lane) {
        std::string members;
        for (std::size_t i = 0; i < g.nodes.size(); ++i)
            if (static_cast<int>(g.nodes[i].lane) == lane) members += " n" + std::to_string(i) + ";";
        if (!members.empty()) out += "  { rank=same;" + members + " }\n";
    }
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const auto& n = g.nodes[i];
        std::string label = n.label + (n.detail.empty() ? "" : "\n" + n.detail);
        out += "  n" + std::to_string(i) + " [label=" + dotQuote(label);
        if (n.health == Health::Broken)
            out += ", color=red";
        else if (n.health == Health::Warning)
            out += ", color=orange";
        else if (n.health == Health::Inactive)
            out += ", style=dashed";
        out += "];\n";
    }
    for (const auto& e : g.edges) {
        out += "  n" + std::to_string(e.from) + " -> n" + std::to_string(e.to);
        if (!e.label.empty()) out += " [label=" + dotQuote(e.label) + "]";
        out += ";\n";
    }
    out += "}\n";
    return out;
}

}  // namespace hs::graph
