#include "kubeclient/process.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace hs::kube {

std::vector<std::string> mergedEnvironment(const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
    for (const auto& [name, value] : overrides) {
        std::string prefix = name + '=';
        std::erase_if(env, [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
        env.push_back(prefix + value);
    }
    return env;
}

namespace {

struct Fd {
    int fd = -1;
    Fd() = default;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    void reset() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
};

bool makePipe(Fd& r, Fd& w) {
    int p[2];
    // O_CLOEXEC: a plugin spawned concurrently by another thread must not inherit these ends.
    if (::pipe2(p, O_CLOEXEC) != 0) return false;
    r.fd = p[0];
    w.fd = p[1];
    return true;
}

}  // namespace

Result<ProcessResult> runProcess(const ProcessSpec& spec, CancelScope* cancel, SpawnFailure* failure) {
    if (failure) *failure = SpawnFailure::None;
    Fd outR, outW, errR, errW;
    if (!makePipe(outR, outW) || !makePipe(errR, errW))
        return makeError(ErrorCode::Internal, std::string("pipe: ") + std::strerror(errno));

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, outW.fd, STDOUT_FILENO);
    if (!spec.inheritStderr) posix_spawn_file_actions_adddup2(&fa, errW.fd, STDERR_FILENO);
    if (!spec.inheritStdin) posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    // A non-interactive plugin gets its own process group, so a timeout kills its children too.
    // An interactive one stays in ours: a background group reading the terminal would be stopped.
    if (!spec.inheritStdin) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(&attr, 0);
    }
    posix_spawnattr_setflags(&attr, flags);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);

    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(spec.command.c_str()));
    for (const auto& a : spec.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    pid_t pid = -1;
    bool usePath = spec.command.find('/') == std::string::npos;
    int rc = usePath ? ::posix_spawnp(&pid, spec.command.c_str(), &fa, &attr, argv.data(), envp.data())
                     : ::posix_spawn(&pid, spec.command.c_str(), &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    outW.reset();
    errW.reset();
    if (spec.inheritStderr) errR.reset();
    if (rc != 0) {
        if (failure)
            *failure = rc == ENOENT ? SpawnFailure::NotFound
                : rc == EACCES      ? SpawnFailure::NotExecutable
                                    : SpawnFailure::Other;
        return makeError(ErrorCode::Credentials, spec.command + ": " + std::strerror(rc));
    }

    ProcessResult res;
    auto deadline = std::chrono::steady_clock::now() + spec.timeout;
    bool timedOut = false, cancelled = false, tooBig = false;
    pollfd fds[2] = {{outR.fd, POLLIN, 0}, {errR.fd, POLLIN, 0}};
    int open = errR.fd >= 0 ? 2 : 1;
    char buf[16384];
    while (open > 0) {
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            timedOut = true;
            break;
        }
        if (cancel && cancel->cancelled()) {
            cancelled = true;
            break;
        }
        // Poll in short slices so cancellation is noticed quickly.
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        int waitMs = static_cast<int>(std::min<long long>(left, 100));
        int n = ::poll(fds, 2, waitMs);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
            if (r > 0) {
                std::string& dst = i == 0 ? res.out : res.err;
                if (dst.size() + static_cast<std::size_t>(r) > spec.maxOutputBytes)
                    tooBig = true;
                else
                    dst.append(buf, static_cast<std::size_t>(r));
            } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
                fds[i].fd = -1;
                --open;
            }
        }
        if (tooBig) break;
    }
    if (timedOut || cancelled || tooBig) {
        ::kill(spec.inheritStdin ? pid : -pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (timedOut)
        return makeError(ErrorCode::Timeout,
                         spec.command + " did not finish within " + std::to_string(spec.timeout.count() / 1000) +
                             " s and was stopped");
    if (cancelled) return makeError(ErrorCode::Cancelled, spec.command + " was cancelled");
    if (tooBig)
        return makeError(ErrorCode::Credentials,
                         spec.command + " wrote more than " + std::to_string(spec.maxOutputBytes >> 20) + " MiB");
    if (WIFEXITED(status))
        res.exitCode = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) {
        res.exitCode = -1;
        res.signal = WTERMSIG(status);
    }
    return res;
}

}  // namespace hs::kube
