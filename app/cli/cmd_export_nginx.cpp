// hopscope-cli export-nginx: the server/location structure the ingress-nginx profile builds, as
// a real nginx configuration (docs/export-nginx.md). With --for-test it is the configuration the
// differential test (tests/nginx) runs a real nginx on.
#include "app/cli/cli.h"
#include "model/atomic_file.h"
#include "simulator/nginx/export.h"
#include "simulator/nginx/nginx_table.h"

#include <charconv>
#include <fstream>
#include <ostream>

namespace hs::cli {

namespace {

int runExportNginx(const Args& args, Io& io) {
    int code = kExitOk;
    sim::nginx::ExportOptions eo;
    eo.forTest = args.has("--for-test");
    eo.listenPort = eo.forTest ? 8080 : 80;
    if (auto p = args.get("--listen-port")) {
        int port = 0;
        auto r = std::from_chars(p->data(), p->data() + p->size(), port);
        if (r.ec != std::errc() || r.ptr != p->data() + p->size() || port < 1 || port > 65535) {
            io.err << "error: --listen-port " << *p << ": expected a port number 1-65535\n";
            return kExitUsage;
        }
        eo.listenPort = port;
    }
    eo.echoSocket = args.get("--echo-socket", "/tmp/hopscope-nginx-echo-" + std::to_string(eo.listenPort) + ".sock");
    if (eo.echoSocket.empty() || eo.echoSocket.front() != '/') {
        io.err << "error: --echo-socket must be an absolute path\n";
        return kExitUsage;
    }

    auto loaded = loadSource(args, io, code, /*quiet=*/true);
    if (!loaded) return code;
    auto profile = profileFrom(args, io, code);
    if (!profile) return code;
    auto table = sim::compileRouteTable(loaded->state, *profile);
    auto config = table ? sim::nginx::configOf(*table) : nullptr;
    if (!config) {
        io.err << "error: could not build the ingress-nginx configuration\n";
        return kExitUsage;
    }
    std::vector<std::string> files = args.all("-f");
    eo.source = files.empty()
        ? std::string("the demo cluster")
        : files.front() + (files.size() > 1 ? " (+" + std::to_string(files.size() - 1) + " more)" : "");

    sim::nginx::NginxExport ex = sim::nginx::exportNginx(*config, eo);
    for (const auto& w : ex.warnings) io.err << "warning: " << w << '\n';
    if (auto out = args.get("-o")) {
        // Atomic: a failed write (full disk) leaves a previous configuration intact.
        if (auto w = model::writeFileAtomic(*out, ex.text); !w) {
            io.err << "error: " << w.error << '\n';
            return kExitUsage;
        }
    } else {
        io.out << ex.text;
    }
    return kExitOk;
}

}  // namespace

Command exportNginxCommand() {
    Command c;
    c.name = "export-nginx";
    c.summary = "write the ingress-nginx model as a loadable nginx configuration";
    c.usage =
        "(-f PATH... | --demo) [--controller-config FILE] [--ingress-class C] [-o FILE] [--listen-port N] [--for-test [--echo-socket PATH]]";
    c.options = sourceOptions();
    for (auto& o : profileOptions())
        if (o.name == "--controller-config" || o.name == "--ingress-class") c.options.push_back(o);
    c.options.push_back(
        {"-o", "--output", true, false, false, "write the configuration to FILE instead of standard output", "FILE"});
    c.options.push_back(
        {"--listen-port", "", true, false, false, "the HTTP listener's port (default 80; 8080 with --for-test)", "N"});
    c.options.push_back({"--for-test", "", false, false, false,
                         "the differential-test flavour: loopback listener, every location answers with its identity",
                         ""});
    c.options.push_back({"--echo-socket", "", true, false, false,
                         "--for-test: unix socket of the echo server (default /tmp/hopscope-nginx-echo-<port>.sock)",
                         "PATH"});
    c.run = runExportNginx;
    return c;
}

}  // namespace hs::cli
