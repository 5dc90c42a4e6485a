#include "app/cli/cli.h"

#include "hopscope/version.h"
#include "resources/demo.h"

#include <iostream>

namespace hs::cli {

std::vector<OptionSpec> sourceOptions() {
    return {
        {"-f", "--filename", true, true, true, "manifest files or folders (YAML/JSON; '-' reads standard input)",
         "PATH..."},
        {"--demo", "", false, false, false, "use the bundled demo cluster", ""},
        {"--kubeconfig", "", true, false, false, "read a live cluster: this kubeconfig file only", "FILE"},
        {"--context", "", true, false, false, "read a live cluster: this kubeconfig context", "NAME"},
        {"-n", "--namespace", true, false, false, "live cluster: only this namespace", "NS"},
        {"-A", "--all-namespaces", false, false, false, "live cluster: all namespaces (the default)", ""},
    };
}

bool wantsLiveSource(const Args& args) {
    return args.has("--kubeconfig") || args.has("--context") || args.has("-n") || args.has("-A");
}

std::optional<model::LoadResult> loadSource(const Args& args, Io& io, int& exitCode, bool quiet) {
    model::LoadResult r;
    std::vector<std::string> paths = args.all("-f");
    if (!paths.empty() && args.has("--demo")) {
        io.err << "error: give either -f or --demo, not both\n";
        exitCode = kExitUsage;
        return std::nullopt;
    }
    if (wantsLiveSource(args)) {
        if (!paths.empty() || args.has("--demo")) {
            io.err << "error: give either -f/--demo or a live cluster (--kubeconfig/--context), not both\n";
            exitCode = kExitUsage;
            return std::nullopt;
        }
        return loadLiveSource(args, io, exitCode);
    }
    if (!paths.empty()) {
        r = model::loadManifests(paths);
    } else if (args.has("--demo")) {
        r = demo::load();
    } else {
        io.err
            << "error: no cluster given: use -f PATH (manifests), --kubeconfig/--context (a live cluster) or --demo\n";
        exitCode = kExitUsage;
        return std::nullopt;
    }
    for (const auto& d : r.diagnostics)
        if (d.severity == model::Severity::Error && (!quiet || d.code.rfind("file.", 0) == 0))
            io.err << d.format() << '\n';
    if (r.inputError) {
        exitCode = kExitUsage;
        return std::nullopt;
    }
    return r;
}

namespace {

void printUsage(Io& io) {
    io.out << "hopscope-cli " HOPSCOPE_VERSION
              " — where does this request go, and why?\n\n"
              "Usage: hopscope-cli <command> [options]\n\nCommands:\n";
    for (const auto& c : commands()) {
        if (c.hidden) continue;
        std::string left = "  " + c.name;
        left.resize(std::max<std::size_t>(left.size() + 2, 16), ' ');
        io.out << left << c.summary << '\n';
    }
    io.out << "\nRun 'hopscope-cli <command> --help' for a command's options.\n"
              "Exit codes: 0 success, 1 findings, 2 usage or input errors.\n";
}

}  // namespace

const std::vector<Command>& commands() {
    static const std::vector<Command> all = [] {
        std::vector<Command> v;
        v.push_back(lintCommand());
        v.push_back(graphCommand());
        v.push_back(routeCommand());
        v.push_back(replayCommand());
        v.push_back(diffCommand());
        v.push_back(checkCommand());
        v.push_back(exportNginxCommand());
        v.push_back(contextsCommand());
        v.push_back(snapshotCommand());
        v.push_back(completionCommand());
        v.push_back(manpageCommand());
        return v;
    }();
    return all;
}

int run(const std::vector<std::string>& words, Io& io) {
    if (words.empty() || words[0] == "-h" || words[0] == "--help" || words[0] == "help") {
        printUsage(io);
        return words.empty() ? kExitUsage : kExitOk;
    }
    if (words[0] == "--version" || words[0] == "version") {
        io.out << "hopscope-cli " HOPSCOPE_VERSION "\n";
        return kExitOk;
    }
    for (const auto& c : commands()) {
        if (c.name != words[0]) continue;
        std::vector<std::string> rest(words.begin() + 1, words.end());
        if (std::find(rest.begin(), rest.end(), "--help") != rest.end() ||
            std::find(rest.begin(), rest.end(), "-h") != rest.end()) {
            io.out << "Usage: hopscope-cli " << c.name << ' ' << c.usage << "\n\n"
                   << c.summary << "\n\nOptions:\n"
                   << formatOptions(c.options);
            return kExitOk;
        }
        std::string error;
        auto args = Args::parse(c.options, rest, error);
        if (!args) {
            io.err << "hopscope-cli " << c.name << ": " << error << "\nUsage: hopscope-cli " << c.name << ' ' << c.usage
                   << '\n';
            return kExitUsage;
        }
        return c.run(*args, io);
    }
    io.err << "hopscope-cli: unknown command '" << words[0] << "'\n";
    printUsage(io);
    return kExitUsage;
}

}  // namespace hs::cli
