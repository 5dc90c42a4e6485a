#pragma once
// Cancellation shared between the thread that runs a blocking operation (a list, a watch, an exec
// plugin) and the thread that wants it to stop. cancel() is callable from any thread, any number
// of times; whatever is attached at that moment is cancelled at once, and anything attached later
// is cancelled as soon as it is attached.

#include <atomic>
#include <functional>
#include <mutex>

namespace hs::kube {

class CancelScope {
public:
    // The hook runs under the scope's lock, so once detach() returned it can no longer be running
    // (the attached object may then be destroyed). Hooks must therefore be quick and must not touch
    // the scope.
    void cancel() {
        std::lock_guard lock(mu_);
        cancelled_.store(true);
        if (hook_) hook_();
    }
    bool cancelled() const { return cancelled_.load(); }

    // Registers what to call on cancel (replacing any earlier hook); calls it right away when
    // the scope is already cancelled. Returns false in that case.
    bool attach(std::function<void()> hook) {
        std::unique_lock lock(mu_);
        if (cancelled_.load()) {
            lock.unlock();
            if (hook) hook();
            return false;
        }
        hook_ = std::move(hook);
        return true;
    }
    void detach() {
        std::lock_guard lock(mu_);
        hook_ = nullptr;
    }
    // Makes a cancelled scope usable again (a reflector restarted after stop()).
    void reset() {
        std::lock_guard lock(mu_);
        cancelled_.store(false);
        hook_ = nullptr;
    }

private:
    std::mutex mu_;
    std::atomic<bool> cancelled_{false};
    std::function<void()> hook_;
};

}  // namespace hs::kube
