#pragma once
// Workspace: the source the window shows — the demo, manifests on disk or a live kubeconfig
// context — as an immutable ClusterState snapshot, the chosen controller profile, the RouteTable
// compiled from both and every finding about them. Widgets read it; they never load or compile.
//
// Threads: every public method is called on the GUI thread and every signal is emitted there.
// Loading manifests and compiling tables run on the global thread pool; a live cluster publishes
// snapshots on its own thread and they are posted back here (queued) before anything uses them.
// A newer request (another source, another profile) supersedes a job still running: its result
// is dropped when it arrives. Nothing here ever waits on the network.

#include "kubeclient/live_cluster.h"
#include "model/diagnostic.h"
#include "simulator/route_table.h"

#include <QDateTime>
#include <QFuture>
#include <QObject>
#include <QStringList>

#include <memory>

namespace hs::gui {

// Where the current snapshot comes from, as the File menu and the recent list name it.
struct SourceSpec {
    enum class Kind { None, Demo, Files, Live };
    Kind kind = Kind::None;
    QStringList paths;  // Files
    QString kubeconfig;  // Live: empty = $KUBECONFIG or ~/.kube/config
    QString context;  // Live: empty = current-context

    QString label() const;  // "demo", "files: a.yaml, b/", "context kind-hopscope"
    QString serialize() const;  // for QSettings (recent sources)
    static SourceSpec deserialize(const QString& text);
    bool operator==(const SourceSpec&) const = default;
};

class Workspace : public QObject {
    Q_OBJECT
public:
    explicit Workspace(QObject* parent = nullptr);
    ~Workspace() override;  // stops a live connection (its threads are joined off the GUI thread)

    void open(const SourceSpec& spec);
    void openDemo() { open({SourceSpec::Kind::Demo, {}, {}, {}}); }
    void openFiles(const QStringList& paths) { open({SourceSpec::Kind::Files, paths, {}, {}}); }
    void connectLive(const QString& kubeconfig, const QString& context) {
        open({SourceSpec::Kind::Live, {}, kubeconfig, context});
    }
    // Recompiles the current snapshot for another controller model.
    void setProfile(sim::Profile profile);

    const SourceSpec& source() const { return source_; }
    sim::Profile profile() const { return profile_.profile; }
    const sim::ProfileOptions& profileOptions() const { return profile_; }
    bool busy() const { return pending_ > 0; }

    // The snapshot and table shown; null until the first compile finished.
    std::shared_ptr<const model::ClusterState> state() const { return state_; }
    std::shared_ptr<const sim::RouteTable> table() const { return table_; }
    // The loader's diagnostics (files: located; demo: none expected).
    const model::Diagnostics& loadDiagnostics() const { return loadDiagnostics_; }
    // Loader diagnostics, reference lint and the profile's lint, sorted.
    const model::Diagnostics& findings() const { return findings_; }
    std::size_t problemCount() const;  // errors + warnings among findings()

    // Live connection state (Stopped when the source is not live).
    kube::ConnectionState connectionState() const { return liveStatus_.state; }
    const kube::LiveStatus& liveStatus() const { return liveStatus_; }
    QDateTime lastSync() const { return lastSync_; }

signals:
    void sourceChanged(const hs::gui::SourceSpec& spec);  // a new source is being opened
    // A table was compiled for the current source and profile (also after a live update).
    void tableChanged(std::shared_ptr<const hs::sim::RouteTable> table);
    // Loading files finished with problems; the valid documents were loaded regardless.
    void loadProblems(const QString& source, const hs::model::Diagnostics& problems);
    void failed(const QString& message);  // the source could not be opened at all
    void connectionChanged();  // liveStatus() changed
    void busyChanged(bool busy);

private:
    struct Compiled;
    struct LiveLink;
    void startCompile(std::shared_ptr<const model::ClusterState> state, model::Diagnostics loadDiagnostics,
                      bool reportLoad, bool inputError);
    void adopt(Compiled c, std::uint64_t generation);
    void adoptWhenDone(std::uint64_t generation, QFuture<Compiled> future);
    void startLive(const SourceSpec& spec, std::uint64_t generation);
    void liveSnapshot(std::shared_ptr<const model::ClusterState> snapshot, kube::LiveStatus status);
    void dropLive();
    void setPending(int delta);
    void finishStarting();
    static Compiled compileJob(std::shared_ptr<const model::ClusterState> state, model::Diagnostics loadDiags,
                               sim::ProfileOptions profile);

    SourceSpec source_;
    sim::ProfileOptions profile_;
    std::uint64_t generation_ = 0;  // bumped by every open/setProfile; stale results are dropped
    std::uint64_t loadGeneration_ = 0;  // generation of the source load in flight, 0 = none
    int pending_ = 0;
    std::shared_ptr<const model::ClusterState> state_;
    std::shared_ptr<const sim::RouteTable> table_;
    model::Diagnostics loadDiagnostics_;
    model::Diagnostics findings_;
    std::shared_ptr<LiveLink> live_;
    kube::LiveStatus liveStatus_;
    QDateTime lastSync_;
    bool compilingLive_ = false;
    bool liveStarting_ = false;  // discovery running on the pool
    std::shared_ptr<const model::ClusterState> queuedLive_;  // arrived while a compile was running
};

}  // namespace hs::gui
