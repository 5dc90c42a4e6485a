#pragma once
// Shared by the replay tests: the demo table, generated demo logs, running traces and the CLI
// in-process, temporary files.

#include "app/cli/cli.h"
#include "model/json_writer.h"
#include "resources/demo.h"
#include "resources/demo/traces/demo_traffic.h"
#include "simulator/replay/engine.h"
#include "simulator/trace/trace_reader.h"
#include "tests/cli/run_cli.h"
#include "tests/test_paths.h"

#include <QTemporaryDir>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace hs::testing {

inline std::shared_ptr<const sim::RouteTable> demoTable() {
    static auto table = sim::compileRouteTable(demo::load().state, {});
    return table;
}

// The demo's ingress-nginx access log (resources/demo/traces), cached per (requests, seed).
inline const std::string& demoLog(std::uint64_t requests, std::uint64_t seed = 42) {
    static std::map<std::pair<std::uint64_t, std::uint64_t>, std::string> cache;
    auto& text = cache[{requests, seed}];
    if (text.empty()) {
        std::ostringstream out;
        demo::TrafficOptions o;
        o.requests = requests;
        o.seed = seed;
        demo::writeIngressNginxLog(out, demoTable(), o);
        text = out.str();
    }
    return text;
}

inline replay::ReplayResult replayText(const std::string& text, replay::ReplayOptions options = {},
                                       std::shared_ptr<const sim::RouteTable> table = demoTable(),
                                       trace::TraceOptions topts = {}, const std::string& name = "trace.log") {
    auto opened = trace::openTraceBytes(text, name, topts);
    if (!opened.reader) throw std::runtime_error(opened.error);
    return replay::replayTrace(*opened.reader, std::move(table), options);
}

inline std::string summaryJson(const replay::ReplayResult& r) {
    model::JsonWriter w(true);
    r.writeJson(w);
    return w.take();
}

inline std::string writeFile(const QTemporaryDir& dir, const std::string& name, const std::string& text) {
    std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace hs::testing
