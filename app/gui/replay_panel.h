#pragma once
// The replay panel: a trace (and optionally a scenario) through the current routing table on a
// worker thread (ReplayWorker on the QThread "hs-replay"), with live charts fed by the worker's
// snapshots: requests per second per Pod, latency percentiles, status codes, the share per
// Service and canary; a distribution table; the requests behind a chart point or row (picking one
// emits decisionChosen so the graph lights the route up); export of the engine's text report or
// summary JSON. The panel only adapts the engine (simulator/replay/engine.h) and never blocks the
// GUI thread on it.

#include "app/gui/replay_worker.h"
#include "simulator/decision.h"
#include "simulator/route_table.h"

#include <QThread>
#include <QWidget>

#include <atomic>
#include <memory>

class QCustomPlot;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTreeWidget;

namespace hs::gui {

class ReplayPanel : public QWidget {
    Q_OBJECT
public:
    enum class Chart { RequestsPerPod, Latency, Status, Share };

    explicit ReplayPanel(QWidget* parent = nullptr);
    ~ReplayPanel() override;  // cancels and joins a running replay
    void setTable(std::shared_ptr<const hs::sim::RouteTable> table);  // what replays run against
    void setTraceFile(const QString& path);  // preselect (the demo trace)
    bool isRunning() const;

    // Extras for the shell and tests (all GUI thread).
    void setScenarioFile(const QString& path);  // "" = the default Pod model, no events
    void setSeed(quint64 seed);
    void setSpeed(double factor);  // arrivals at trace time ÷ factor; 0 = back to back (as fast as possible)
    // The last snapshot shown (live while running, final afterwards); null before the first run.
    std::shared_ptr<const ReplaySnapshot> snapshot() const { return snapshot_; }
    QCustomPlot* chart(Chart which) const;
    QTableWidget* distributionTable() const { return table_; }  // rows per Pod, then a Total row
    QTreeWidget* requestList() const { return requests_; }  // the requests behind the last pick
    // The engine's report of the last finished run: .json → summary JSON, else the text report
    // (as hopscope-cli replay writes them). Written with QSaveFile: a failed write keeps the old file.
    bool exportReport(const QString& path, QString* error = nullptr) const;

public slots:
    void start();
    void cancel();

signals:
    void finished(bool completed);
    void decisionChosen(const hs::sim::Decision& d);  // a request picked behind a chart point / row

private:
    void onProgress(quint64 generation, std::shared_ptr<const ReplaySnapshot> s);
    void onDone(quint64 generation, std::shared_ptr<const ReplaySnapshot> s, bool completed);
    void showSnapshot(const ReplaySnapshot& s);
    void showCharts(const ReplaySnapshot& s);
    void showTable(const ReplaySnapshot& s);
    void showProblems(const ReplaySnapshot& s);
    void listSamples(const QString& title, const std::vector<const ReplaySample*>& samples);
    void pointClicked(Chart chart, int plottable, int dataIndex);
    void sampleChosen();
    void updateButtons();
    void exportClicked();

    std::shared_ptr<const sim::RouteTable> routeTable_, runTable_;
    std::uint64_t runSeed_ = 1;
    QThread thread_;
    ReplayWorker* worker_ = nullptr;  // lives on thread_; deleted after thread_ is joined
    std::shared_ptr<std::atomic<bool>> cancel_;
    quint64 generation_ = 0;
    bool running_ = false;
    std::shared_ptr<const ReplaySnapshot> snapshot_;
    std::vector<std::vector<int>> rpsSeries_;  // per graph of the Pod chart: the series it sums
    std::vector<std::string> shareServices_;  // per bar of the share chart
    std::vector<ReplaySample> listed_;  // copies behind requests_'s rows

    QLineEdit* trace_ = nullptr;
    QLineEdit* scenario_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QComboBox* speed_ = nullptr;
    QPushButton* startButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QPushButton* exportButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* status_ = nullptr;
    QPlainTextEdit* problems_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QCustomPlot* rps_ = nullptr;
    QCustomPlot* latency_ = nullptr;
    QCustomPlot* statusChart_ = nullptr;
    QCustomPlot* share_ = nullptr;
    QTableWidget* table_ = nullptr;
    QLabel* requestsTitle_ = nullptr;
    QTreeWidget* requests_ = nullptr;
};

}  // namespace hs::gui
