#pragma once
// hopscope-cli: the headless twin of the desktop app. Commands live in cmd_*.cpp, each a
// function from parsed arguments to an exit code; `run` dispatches. Everything writes to the
// streams it is given, so tests run commands in-process.

#include "app/cli/args.h"
#include "model/loader.h"
#include "simulator/request.h"
#include "simulator/route_table.h"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace hs::cli {

// Exit codes (DESIGN.md): 0 success, 1 findings (lint problems, failed checks, routing changes),
// 2 usage or input errors.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;

struct Io {
    std::ostream& out;
    std::ostream& err;
    std::istream& in;
};

struct Command {
    std::string name;
    std::string summary;
    std::string usage;  // one line after the program name
    std::vector<OptionSpec> options;
    int (*run)(const Args& args, Io& io);
    bool hidden = false;  // not listed by --help nor completed (build helpers such as `manpage`)
};

const std::vector<Command>& commands();

// Runs `hopscope-cli <words...>` and returns the exit code.
int run(const std::vector<std::string>& words, Io& io);

// The options every command that reads a cluster takes: -f PATH..., --demo, or a live cluster
// (--kubeconfig F, --context C, -n NS, -A).
std::vector<OptionSpec> sourceOptions();

// True when the arguments name a live cluster (any of --kubeconfig, --context, -n, -A).
bool wantsLiveSource(const Args& args);
// Reads the live cluster once (cmd_snapshot.cpp). Problems (what RBAC hides) go to io.err as
// warnings; nullopt and exitCode 2 when the cluster cannot be read at all.
std::optional<model::LoadResult> loadLiveSource(const Args& args, Io& io, int& exitCode);

// Loads the cluster the arguments name. Diagnostics of severity error are printed to io.err
// unless `quiet`; returns nullopt (and sets exitCode) when nothing could be loaded.
std::optional<model::LoadResult> loadSource(const Args& args, Io& io, int& exitCode, bool quiet = false);

// The options that choose a controller model: --profile, --ingress-class, --controller-config.
std::vector<OptionSpec> profileOptions(const std::string& prefix = "");
std::optional<sim::ProfileOptions> profileFrom(const Args& args, Io& io, int& exitCode, const std::string& prefix = "");

// The options that describe one request: --url, --method, -H, --cookie, --client-ip, --sni.
std::vector<OptionSpec> requestOptions();
std::optional<sim::Request> requestFrom(const Args& args, Io& io, int& exitCode);

// Prints a Decision hop by hop for a learner (the default output of `route`).
void printDecision(std::ostream& out, const sim::Request& r, const sim::Decision& d);

// Command registrations (one per cmd_*.cpp).
Command lintCommand();
Command graphCommand();
Command routeCommand();
Command replayCommand();
Command diffCommand();
Command checkCommand();
Command exportNginxCommand();
Command contextsCommand();
Command snapshotCommand();
Command completionCommand();  // cmd_completion.cpp: `completion bash|zsh|fish`
Command manpageCommand();  // cmd_completion.cpp: hidden `manpage` (groff, for the installer)

}  // namespace hs::cli
