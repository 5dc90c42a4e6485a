#pragma once
// Running a credential plugin: fork/exec through posix_spawn (never a shell, so nothing in the
// kubeconfig is ever interpreted by one), stdout and stderr captured through pipes, an optional
// terminal stdin, a hard timeout that kills the plugin's whole process group, and cancellation.
// Callable from any thread.

#include "kubeclient/cancel.h"
#include "kubeclient/result.h"

#include <chrono>
#include <string>
#include <vector>

namespace hs::kube {

struct ProcessSpec {
    std::string command;  // a path (contains '/') or a name looked up in PATH
    std::vector<std::string> args;
    std::vector<std::string> env;  // complete environment, "NAME=value"
    bool inheritStdin = false;  // interactive plugins read the user's terminal
    bool inheritStderr = false;  // ...and write their prompts to it (else stderr is captured)
    std::chrono::milliseconds timeout{60'000};
    std::size_t maxOutputBytes = std::size_t{4} << 20;
};

struct ProcessResult {
    int exitCode = 0;  // -1 when killed by a signal
    int signal = 0;
    std::string out;
    std::string err;
};

enum class SpawnFailure { None, NotFound, NotExecutable, Other };

// On failure to start, the Error's message says why and `failure` tells not-found apart (for the
// exec plugin's install hint).
Result<ProcessResult> runProcess(const ProcessSpec& spec, CancelScope* cancel, SpawnFailure* failure = nullptr);

// The current environment as "NAME=value" strings, with `overrides` applied (later wins).
std::vector<std::string> mergedEnvironment(const std::vector<std::pair<std::string, std::string>>& overrides);

}  // namespace hs::kube
