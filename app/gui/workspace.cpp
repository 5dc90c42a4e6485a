#include "app/gui/workspace.h"

#include "kubeclient/kubeconfig.h"
#include "model/lint.h"
#include "model/loader.h"
#include "resources/demo.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <mutex>

namespace hs::gui {

// ---- SourceSpec --------------------------------------------------------------------------------

QString SourceSpec::label() const {
    switch (kind) {
    case Kind::None: return QObject::tr("nothing open");
    case Kind::Demo: return QObject::tr("demo");
    case Kind::Files: {
        QStringList names;
        for (const QString& p : paths) {
            QFileInfo fi(p);
            names << (fi.isDir() ? fi.fileName() + QLatin1Char('/') : fi.fileName());
        }
        return QObject::tr("files: %1").arg(names.join(QStringLiteral(", ")));
    }
    case Kind::Live: return QObject::tr("context %1").arg(context.isEmpty() ? QObject::tr("(current)") : context);
    }
    return {};
}

QString SourceSpec::serialize() const {
    QStringList parts;
    switch (kind) {
    case Kind::None: return {};
    case Kind::Demo: return QStringLiteral("demo");
    case Kind::Files: parts << QStringLiteral("files") << paths; break;
    case Kind::Live: parts << QStringLiteral("live") << kubeconfig << context; break;
    }
    return parts.join(QLatin1Char('\t'));
}

SourceSpec SourceSpec::deserialize(const QString& text) {
    QStringList parts = text.split(QLatin1Char('\t'));
    SourceSpec s;
    if (parts.value(0) == QLatin1String("demo"))
        s.kind = Kind::Demo;
    else if (parts.value(0) == QLatin1String("files") && parts.size() > 1) {
        s.kind = Kind::Files;
        s.paths = parts.mid(1);
    } else if (parts.value(0) == QLatin1String("live") && parts.size() == 3) {
        s.kind = Kind::Live;
        s.kubeconfig = parts[1];
        s.context = parts[2];
    }
    return s;
}

// ---- jobs --------------------------------------------------------------------------------------

struct Workspace::Compiled {
    std::shared_ptr<const model::ClusterState> state;
    std::shared_ptr<const sim::RouteTable> table;
    model::Diagnostics loadDiagnostics;
    model::Diagnostics findings;
    bool reportLoad = false;
    bool inputError = false;
    bool live = false;
};

// The live connection of one open() call. The observer (publisher thread) and the connecting job
// (pool thread) reach the Workspace only through `target`, under `mu`; the Workspace clears it
// before it goes away or moves to another source, so nothing is ever posted to a dead object.
struct Workspace::LiveLink {
    std::mutex mu;
    Workspace* target = nullptr;
    bool detached = false;
    std::shared_ptr<kube::LiveCluster> cluster;
    int observer = -1;

    template <class F>
    void post(F f) {
        std::lock_guard lock(mu);
        if (!target) return;
        Workspace* t = target;
        QMetaObject::invokeMethod(
            t, [t, f = std::move(f)]() mutable { f(t); }, Qt::QueuedConnection);
    }
};

Workspace::Workspace(QObject* parent) : QObject(parent) { liveStatus_.state = kube::ConnectionState::Stopped; }

Workspace::~Workspace() { dropLive(); }

std::size_t Workspace::problemCount() const {
    return model::countSeverity(findings_, model::Severity::Error) +
        model::countSeverity(findings_, model::Severity::Warning);
}

void Workspace::setPending(int delta) {
    bool was = pending_ > 0;
    pending_ += delta;
    if (was != (pending_ > 0)) emit busyChanged(pending_ > 0);
}

void Workspace::finishStarting() {
    if (!liveStarting_) return;
    liveStarting_ = false;
    setPending(-1);
}

void Workspace::open(const SourceSpec& spec) {
    const std::uint64_t gen = ++generation_;
    dropLive();
    source_ = spec;
    queuedLive_.reset();
    compilingLive_ = false;
    liveStatus_ = {};
    liveStatus_.state =
        spec.kind == SourceSpec::Kind::Live ? kube::ConnectionState::Connecting : kube::ConnectionState::Stopped;
    lastSync_ = {};
    emit sourceChanged(spec);
    emit connectionChanged();
    if (spec.kind == SourceSpec::Kind::Live) {
        startLive(spec, gen);
        return;
    }
    std::vector<std::string> paths;
    for (const QString& p : spec.paths) paths.push_back(p.toStdString());
    const bool demo = spec.kind == SourceSpec::Kind::Demo;
    loadGeneration_ = gen;
    adoptWhenDone(gen, QtConcurrent::run([demo, paths, profile = profile_] {
                      model::LoadResult loaded = demo ? demo::load() : model::loadManifests(paths);
                      Compiled c = compileJob(loaded.state, std::move(loaded.diagnostics), profile);
                      c.reportLoad = true;
                      c.inputError = loaded.inputError;
                      return c;
                  }));
}

// One background load or compile: counted as pending until it ends, then adopted (or dropped by
// adopt() when a newer generation superseded it).
void Workspace::adoptWhenDone(std::uint64_t gen, QFuture<Compiled> future) {
    auto* watcher = new QFutureWatcher<Compiled>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, gen] {
        watcher->deleteLater();
        setPending(-1);
        adopt(watcher->result(), gen);
    });
    setPending(+1);
    watcher->setFuture(std::move(future));
}

void Workspace::setProfile(sim::Profile profile) {
    if (profile == profile_.profile && table_) return;
    profile_.profile = profile;
    // A source still loading compiles with the profile it was given and adopt() compiles again;
    // compiling the previous source's snapshot now would supersede that load.
    if (!state_ || loadGeneration_ == generation_) return;
    startCompile(state_, loadDiagnostics_, false, false);
}

void Workspace::startCompile(std::shared_ptr<const model::ClusterState> state, model::Diagnostics loadDiagnostics,
                             bool reportLoad, bool inputError) {
    const std::uint64_t gen = ++generation_;
    const bool live = source_.kind == SourceSpec::Kind::Live;
    if (live) compilingLive_ = true;
    adoptWhenDone(gen,
                  QtConcurrent::run([state = std::move(state), diags = std::move(loadDiagnostics), profile = profile_,
                                     reportLoad, inputError, live]() mutable {
                      Compiled c = compileJob(std::move(state), std::move(diags), profile);
                      c.reportLoad = reportLoad;
                      c.inputError = inputError;
                      c.live = live;
                      return c;
                  }));
}

// Runs on a pool thread: plain engine calls on values nobody else mutates.
Workspace::Compiled Workspace::compileJob(std::shared_ptr<const model::ClusterState> state,
                                          model::Diagnostics loadDiags, sim::ProfileOptions profile) {
    Compiled c;
    c.state = std::move(state);
    c.loadDiagnostics = std::move(loadDiags);
    c.findings = c.loadDiagnostics;
    model::Diagnostics refs = model::lintReferences(*c.state);
    c.findings.insert(c.findings.end(), refs.begin(), refs.end());
    c.table = sim::compileRouteTable(c.state, profile);
    if (c.table) {
        model::Diagnostics lint = c.table->lint();
        c.findings.insert(c.findings.end(), lint.begin(), lint.end());
    }
    model::sortDiagnostics(c.findings);
    return c;
}

void Workspace::adopt(Compiled c, std::uint64_t generation) {
    if (c.live) compilingLive_ = false;
    if (generation != generation_) return;  // superseded by another source or profile
    // A profile chosen while the load ran: the load compiled with the old one, so compile again
    // (still counted as the source's load, so setProfile does not supersede it).
    if (c.table && c.table->profile() != profile_.profile) {
        const bool loading = loadGeneration_ != 0;
        startCompile(c.state, c.loadDiagnostics, c.reportLoad, c.inputError);
        if (loading) loadGeneration_ = generation_;
        return;
    }
    loadGeneration_ = 0;
    const bool nothing = !c.state || c.state->objectCount() == 0;
    state_ = c.state;
    table_ = c.table;
    loadDiagnostics_ = std::move(c.loadDiagnostics);
    findings_ = std::move(c.findings);
    if (c.reportLoad && c.inputError && nothing) {
        QStringList lines;
        for (const auto& d : loadDiagnostics_) lines << QString::fromStdString(d.format());
        emit failed(tr("Could not read %1:\n%2").arg(source_.label(), lines.join(QLatin1Char('\n'))));
    } else if (c.reportLoad &&
               (model::countSeverity(loadDiagnostics_, model::Severity::Error) > 0 ||
                model::countSeverity(loadDiagnostics_, model::Severity::Warning) > 0)) {
        emit loadProblems(source_.label(), loadDiagnostics_);
    }
    emit tableChanged(table_);
    if (c.live && queuedLive_) {
        auto next = std::move(queuedLive_);
        queuedLive_.reset();
        startCompile(std::move(next), {}, false, false);
    }
}

// ---- live --------------------------------------------------------------------------------------

void Workspace::startLive(const SourceSpec& spec, std::uint64_t generation) {
    auto link = std::make_shared<LiveLink>();
    link->target = this;
    live_ = link;
    (void)generation;
    liveStarting_ = true;
    setPending(+1);
    auto fail = [](std::shared_ptr<LiveLink> l, QString message) {
        l->post([l, message](Workspace* w) {
            if (w->live_ != l) return;
            w->finishStarting();
            w->liveStatus_.state = kube::ConnectionState::Error;
            w->liveStatus_.message = message.toStdString();
            emit w->connectionChanged();
            emit w->failed(message);
        });
    };
    std::weak_ptr<LiveLink> weak = link;
    // The pool thread reads the kubeconfig, creates the client and runs discovery (which blocks
    // up to the connect timeout on an unreachable server); snapshots then arrive via the observer.
    (void)QtConcurrent::run(
        [link, weak, fail, kubeconfig = spec.kubeconfig.toStdString(), context = spec.context.toStdString()] {
            auto cfg = kube::loadKubeConfig(kube::LoadingRules::fromEnvironment(kubeconfig));
            if (!cfg) return fail(link, QString::fromStdString(cfg.error().message));
            auto cc = kube::resolveClientConfig(*cfg, {context, {}});
            if (!cc) return fail(link, QString::fromStdString(cc.error().message));
            auto created = kube::LiveCluster::create(*cc);
            if (!created) return fail(link, QString::fromStdString(created.error().message));
            std::shared_ptr<kube::LiveCluster> cluster(std::move(*created));
            int id = cluster->subscribe(
                [weak](const std::shared_ptr<const model::ClusterState>& snap, const kube::LiveStatus& status) {
                    auto l = weak.lock();
                    if (!l) return;
                    l->post([l, snap, status](Workspace* w) {
                        if (w->live_ == l) w->liveSnapshot(snap, status);
                    });
                });
            {
                std::lock_guard lock(link->mu);
                if (link->detached) {
                    cluster->unsubscribe(id);
                    return;  // the window moved on; the cluster is destroyed (nothing was started)
                }
                link->cluster = cluster;
                link->observer = id;
            }
            auto started = cluster->start();
            if (!started) return fail(link, QString::fromStdString(started.error().message));
            link->post([link](Workspace* w) {
                if (w->live_ == link) w->finishStarting();
            });
        });
}

void Workspace::liveSnapshot(std::shared_ptr<const model::ClusterState> snapshot, kube::LiveStatus status) {
    liveStatus_ = std::move(status);
    if (liveStatus_.lastSync.time_since_epoch().count() != 0)
        lastSync_ = QDateTime::fromMSecsSinceEpoch(
            std::chrono::duration_cast<std::chrono::milliseconds>(liveStatus_.lastSync.time_since_epoch()).count());
    emit connectionChanged();
    if (!snapshot || snapshot == state_) return;
    if (compilingLive_) {
        queuedLive_ = std::move(snapshot);  // only the newest waiting snapshot matters
        return;
    }
    startCompile(std::move(snapshot), {}, false, false);
}

void Workspace::dropLive() {
    if (!live_) return;
    std::shared_ptr<LiveLink> link = std::move(live_);
    live_.reset();
    std::shared_ptr<kube::LiveCluster> cluster;
    int observer = -1;
    {
        std::lock_guard lock(link->mu);
        link->target = nullptr;
        link->detached = true;
        cluster = std::move(link->cluster);
        observer = link->observer;
    }
    finishStarting();
    if (!cluster) return;
    cluster->unsubscribe(observer);
    // stop() joins the watch threads, which may sit in a network call: never on the GUI thread.
    (void)QtConcurrent::run([cluster] { cluster->stop(); });
}

}  // namespace hs::gui
