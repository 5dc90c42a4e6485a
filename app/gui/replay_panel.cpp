#include "app/gui/replay_panel.h"

#include "model/json_writer.h"
#include "simulator/replay/engine.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace hs::gui {

namespace {

constexpr int kTopSeries = 8;  // Pods drawn one by one; the rest are summed
constexpr std::size_t kListLimit = 200;  // rows in the request list

QString qs(const std::string& s) { return QString::fromStdString(s); }

QColor seriesColor(int i) {
    static const QColor colors[] = {
        QColor(31, 119, 180), QColor(255, 127, 14),  QColor(44, 160, 44),   QColor(214, 39, 40),  QColor(148, 103, 189),
        QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34), QColor(23, 190, 207)};
    return colors[static_cast<std::size_t>(i) % std::size(colors)];
}

QCustomPlot* makePlot(const QString& xLabel, const QString& yLabel) {
    auto* p = new QCustomPlot;
    p->setMinimumHeight(180);
    p->xAxis->setLabel(xLabel);
    p->yAxis->setLabel(yLabel);
    p->legend->setVisible(true);
    QFont f = p->font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p->legend->setFont(f);
    p->legend->setBrush(QColor(255, 255, 255, 210));
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    p->setInteractions(QCP::iSelectPlottables);
    return p;
}

QString fmtMs(double ms) { return std::isnan(ms) ? QStringLiteral("–") : QString::number(ms, 'f', ms < 10 ? 1 : 0); }

// The decision to show for a sample: the request explained again (hops) against the table it ran
// on, keeping the replay's own Pod choice when the balancer's state then differed.
sim::Decision explain(const sim::RouteTable* table, std::uint64_t seed, const ReplaySample& s) {
    if (!table) return s.decision;
    auto session = table->newSession(seed);
    sim::Decision d;
    sim::RouteOptions ro;
    ro.explain = true;
    ro.choiceKey = replay::choiceKeyFor(seed, s.line);
    session->route(s.request, d, ro);
    const sim::Decision& r = s.decision;
    if (d.outcome != r.outcome || d.service != r.service || d.ingress != r.ingress)
        return r;  // changed by a scenario event
    if (d.endpoint != r.endpoint) {
        d.endpoint = r.endpoint;
        d.pod = r.pod;
        d.node = r.node;
        d.upstream = r.upstream;
        d.canary = r.canary;
        auto& hop = d.addHop(sim::Stage::Pod);
        hop.decision = "the replay sent it to " + (r.pod.empty() ? r.endpoint : r.pod);
        hop.reason = "the balancer's state at that moment of the replay (latencies it had learned) chose this endpoint";
    }
    return d;
}

}  // namespace

ReplayPanel::ReplayPanel(QWidget* parent) : QWidget(parent) {
    qRegisterMetaType<std::shared_ptr<const hs::gui::ReplaySnapshot>>();

    // inputs
    trace_ = new QLineEdit;
    trace_->setPlaceholderText(tr("access log, JSON Lines, CSV or HAR (gzip or not)"));
    auto* traceOpen = new QPushButton(tr("Open…"));
    scenario_ = new QLineEdit;
    scenario_->setPlaceholderText(tr("optional: Pod model and events (docs/replay.md)"));
    auto* scenarioOpen = new QPushButton(tr("Open…"));
    seed_ = new QSpinBox;
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setValue(1);
    seed_->setToolTip(
        tr("Balancers, canary weights and service times draw from this seed: the same seed gives the same replay"));
    speed_ = new QComboBox;
    speed_->addItem(tr("trace time"), 1.0);
    speed_->addItem(tr("trace time ÷ 2"), 2.0);
    speed_->addItem(tr("trace time ÷ 10"), 10.0);
    speed_->addItem(tr("trace time ÷ 100"), 100.0);
    speed_->addItem(tr("back to back"), 0.0);
    speed_->setToolTip(
        tr("When requests arrive in simulated time: at the trace's timestamps, compressed (more load on "
           "the Pods), or back to back. The replay itself always runs as fast as it can."));
    startButton_ = new QPushButton(tr("Replay"));
    startButton_->setDefault(true);
    cancelButton_ = new QPushButton(tr("Cancel"));
    exportButton_ = new QPushButton(tr("Export report…"));
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    status_ = new QLabel(tr("Open a trace and press Replay."));
    status_->setWordWrap(true);
    problems_ = new QPlainTextEdit;
    problems_->setReadOnly(true);
    problems_->setMaximumHeight(70);
    problems_->setVisible(false);

    auto* form = new QFormLayout;
    auto* traceRow = new QHBoxLayout;
    traceRow->addWidget(trace_, 1);
    traceRow->addWidget(traceOpen);
    form->addRow(tr("Trace"), traceRow);
    auto* scenarioRow = new QHBoxLayout;
    scenarioRow->addWidget(scenario_, 1);
    scenarioRow->addWidget(scenarioOpen);
    form->addRow(tr("Scenario"), scenarioRow);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Seed")));
    runRow->addWidget(seed_);
    runRow->addWidget(new QLabel(tr("Arrivals")));
    runRow->addWidget(speed_);
    runRow->addWidget(startButton_);
    runRow->addWidget(cancelButton_);
    runRow->addWidget(progress_, 1);
    runRow->addWidget(exportButton_);

    // charts
    rps_ = makePlot(tr("simulated time (s)"), tr("requests / s"));
    latency_ = makePlot(tr("simulated time (s)"), tr("latency (ms)"));
    statusChart_ = makePlot(tr("simulated time (s)"), tr("answers / s"));
    share_ = makePlot(QString(), tr("requests"));
    share_->legend->setVisible(true);
    tabs_ = new QTabWidget;
    tabs_->addTab(rps_, tr("Requests per Pod"));
    tabs_->addTab(latency_, tr("Latency"));
    tabs_->addTab(statusChart_, tr("Status codes"));
    tabs_->addTab(share_, tr("Share per Service"));

    table_ = new QTableWidget(0, 7);
    table_->setHorizontalHeaderLabels(
        {tr("Service"), tr("Pod"), tr("Requests"), tr("Share"), tr("p50 ms"), tr("p99 ms"), tr("Errors")});
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->setVisible(false);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->setWordWrap(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);

    requestsTitle_ = new QLabel(tr("Click a chart point or a table row to list the requests behind it."));
    requestsTitle_->setWordWrap(true);
    requests_ = new QTreeWidget;
    requests_->setHeaderLabels({tr("Line"), tr("Time (s)"), tr("Request"), tr("Answer"), tr("Service")});
    requests_->setRootIsDecorated(false);
    requests_->setUniformRowHeights(true);
    auto* listBox = new QWidget;
    auto* listLayout = new QVBoxLayout(listBox);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(requestsTitle_);
    listLayout->addWidget(requests_, 1);

    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(table_);
    bottom->addWidget(listBox);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(tabs_);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(runRow);
    layout->addWidget(status_);
    layout->addWidget(problems_);
    layout->addWidget(split, 1);

    // worker
    thread_.setObjectName(QStringLiteral("hs-replay"));
    worker_ = new ReplayWorker;
    worker_->moveToThread(&thread_);
    connect(worker_, &ReplayWorker::progressed, this, &ReplayPanel::onProgress);
    connect(worker_, &ReplayWorker::done, this, &ReplayPanel::onDone);
    thread_.start();

    connect(traceOpen, &QPushButton::clicked, this, [this] {
        QString f =
            QFileDialog::getOpenFileName(this, tr("Open a trace"), QFileInfo(trace_->text()).absolutePath(),
                                         tr("Traces (*.log *.gz *.jsonl *.json *.csv *.har *.txt);;All files (*)"));
        if (!f.isEmpty()) setTraceFile(f);
    });
    connect(scenarioOpen, &QPushButton::clicked, this, [this] {
        QString f = QFileDialog::getOpenFileName(this, tr("Open a scenario"), QString(),
                                                 tr("Scenarios (*.yaml *.yml);;All files (*)"));
        if (!f.isEmpty()) setScenarioFile(f);
    });
    connect(startButton_, &QPushButton::clicked, this, &ReplayPanel::start);
    connect(cancelButton_, &QPushButton::clicked, this, &ReplayPanel::cancel);
    connect(exportButton_, &QPushButton::clicked, this, &ReplayPanel::exportClicked);
    connect(trace_, &QLineEdit::textChanged, this, &ReplayPanel::updateButtons);
    connect(rps_, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable* p, int i, QMouseEvent*) {
        int k = 0;
        while (k < rps_->graphCount() && rps_->graph(k) != p) ++k;
        pointClicked(Chart::RequestsPerPod, k < rps_->graphCount() ? k : -1, i);
    });
    connect(latency_, &QCustomPlot::plottableClick, this,
            [this](QCPAbstractPlottable*, int i, QMouseEvent*) { pointClicked(Chart::Latency, 0, i); });
    connect(statusChart_, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable* p, int i, QMouseEvent*) {
        int k = 0;
        for (; k < statusChart_->graphCount(); ++k)
            if (statusChart_->graph(k) == p) break;
        pointClicked(Chart::Status, k, i);
    });
    connect(share_, &QCustomPlot::plottableClick, this,
            [this](QCPAbstractPlottable*, int i, QMouseEvent*) { pointClicked(Chart::Share, 0, i); });
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        auto rows = table_->selectionModel()->selectedRows();
        if (rows.isEmpty() || !snapshot_) return;
        QVariant v = table_->item(rows.first().row(), 0)->data(Qt::UserRole);
        if (!v.isValid()) return;  // the Total row
        int series = v.toInt();
        std::vector<const ReplaySample*> all;
        for (std::size_t b = 0; b < snapshot_->buckets() && all.size() < kListLimit; ++b)
            for (const auto* s : snapshot_->samplesIn(b, series)) all.push_back(s);
        listSamples(tr("Requests of %1 (the first %2 of each time bucket):")
                        .arg(qs(snapshot_->series[static_cast<std::size_t>(series)]))
                        .arg(ReplayStats::kSamplesPerSeries),
                    all);
    });
    connect(requests_, &QTreeWidget::itemSelectionChanged, this, &ReplayPanel::sampleChosen);
    updateButtons();
}

ReplayPanel::~ReplayPanel() {
    if (cancel_) *cancel_ = true;
    worker_->disconnect(this);
    thread_.quit();
    thread_.wait();
    delete worker_;  // its thread has ended: nothing else can touch it
}

void ReplayPanel::setTable(std::shared_ptr<const sim::RouteTable> table) {
    routeTable_ = std::move(table);
    updateButtons();
}

void ReplayPanel::setTraceFile(const QString& path) { trace_->setText(path); }
void ReplayPanel::setScenarioFile(const QString& path) { scenario_->setText(path); }
void ReplayPanel::setSeed(quint64 seed) {
    seed_->setValue(static_cast<int>(std::min<quint64>(seed, static_cast<quint64>(seed_->maximum()))));
}

void ReplayPanel::setSpeed(double factor) {
    int best = 0;
    for (int i = 0; i < speed_->count(); ++i)
        if (std::abs(speed_->itemData(i).toDouble() - factor) < std::abs(speed_->itemData(best).toDouble() - factor))
            best = i;
    speed_->setCurrentIndex(best);
}

bool ReplayPanel::isRunning() const { return running_; }

QCustomPlot* ReplayPanel::chart(Chart which) const {
    switch (which) {
    case Chart::RequestsPerPod: return rps_;
    case Chart::Latency: return latency_;
    case Chart::Status: return statusChart_;
    case Chart::Share: return share_;
    }
    return nullptr;
}

void ReplayPanel::updateButtons() {
    startButton_->setEnabled(!running_ && routeTable_ && !trace_->text().isEmpty());
    cancelButton_->setEnabled(running_);
    exportButton_->setEnabled(!running_ && snapshot_ && snapshot_->result);
    trace_->setEnabled(!running_);
    scenario_->setEnabled(!running_);
}

void ReplayPanel::start() {
    if (running_ || !routeTable_ || trace_->text().isEmpty()) return;
    ReplayJob job;
    job.tracePath = trace_->text().toStdString();
    job.scenarioPath = scenario_->text().trimmed().toStdString();
    job.table = routeTable_;
    job.profile.profile = routeTable_->profile();
    job.clusterName = routeTable_->state().source();
    job.seed = static_cast<std::uint64_t>(seed_->value());
    double speed = speed_->currentData().toDouble();
    job.backToBack = speed <= 0;
    job.speed = speed > 0 ? speed : 1.0;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    job.cancel = cancel_;
    runTable_ = routeTable_;
    runSeed_ = job.seed;
    running_ = true;
    const quint64 gen = ++generation_;
    progress_->setRange(0, 0);  // busy until the first snapshot says how far
    status_->setText(tr("Replaying %1…").arg(QFileInfo(trace_->text()).fileName()));
    updateButtons();
    ReplayWorker* w = worker_;
    QMetaObject::invokeMethod(
        w, [w, gen, job] { w->run(gen, job); }, Qt::QueuedConnection);
}

void ReplayPanel::cancel() {
    if (!running_ || !cancel_) return;
    *cancel_ = true;
    status_->setText(tr("Cancelling…"));
}

void ReplayPanel::onProgress(quint64 generation, std::shared_ptr<const ReplaySnapshot> s) {
    if (generation != generation_ || !running_) return;
    snapshot_ = std::move(s);
    showSnapshot(*snapshot_);
}

void ReplayPanel::onDone(quint64 generation, std::shared_ptr<const ReplaySnapshot> s, bool completed) {
    if (generation != generation_) return;
    running_ = false;
    cancel_.reset();
    if (!s->error.empty()) {
        progress_->setRange(0, 1000);
        progress_->setValue(0);
        status_->setText(tr("Cannot replay: %1").arg(qs(s->error)));
        updateButtons();
        emit finished(false);
        return;
    }
    snapshot_ = std::move(s);
    showSnapshot(*snapshot_);
    updateButtons();
    emit finished(completed);
}

void ReplayPanel::showSnapshot(const ReplaySnapshot& s) {
    if (s.totalLines) {
        progress_->setRange(0, 1000);
        progress_->setValue(static_cast<int>(std::min<std::uint64_t>(1000, s.lines * 1000 / s.totalLines)));
    }
    QString text;
    if (s.result) {
        const auto& r = *s.result;
        text = tr("%1 lines: %2 requests, %3 bad, %4 skipped · %5 simulated · seed %6")
                   .arg(r.lines)
                   .arg(r.requests)
                   .arg(r.bad)
                   .arg(r.skipped)
                   .arg(qs(replay::formatDuration(r.simulatedNs)))
                   .arg(r.seed);
        if (r.cancelled) text = tr("Cancelled after ") + text;
        if (!r.inputError.empty()) text += tr(" · stopped early: %1").arg(qs(r.inputError));
        if (r.verify) text += tr(" · verify: %1 of %2 agree").arg(r.verify->agreed).arg(r.verify->compared);
    } else {
        text = s.totalLines
            ? tr("Replaying: line %1 of %2 · %3 requests").arg(s.lines).arg(s.totalLines).arg(s.requests)
            : tr("Replaying: line %1 · %2 requests").arg(s.lines).arg(s.requests);
    }
    status_->setText(text);
    showProblems(s);
    showCharts(s);
    showTable(s);
}

void ReplayPanel::showProblems(const ReplaySnapshot& s) {
    problems_->setVisible(s.problemCount > 0);
    if (!s.problemCount) return;
    QString text =
        tr("%n problem(s) in the trace (bad lines, timestamps going back)", nullptr, static_cast<int>(s.problemCount));
    text += s.problemCount > s.firstProblems.size() ? tr("; the first %1:").arg(s.firstProblems.size())
                                                    : QStringLiteral(":");
    for (const auto& p : s.firstProblems) text += QLatin1Char('\n') + qs(p);
    if (problems_->toPlainText() != text) problems_->setPlainText(text);
}

void ReplayPanel::showCharts(const ReplaySnapshot& s) {
    const double width = static_cast<double>(s.bucketNs) / 1e9;
    const std::size_t nb = s.buckets();
    QVector<double> xs(static_cast<qsizetype>(nb));
    for (std::size_t b = 0; b < nb; ++b) xs[static_cast<qsizetype>(b)] = (static_cast<double>(b) + 0.5) * width;

    // requests per second per Pod: the busiest kTopSeries Pods, the rest summed
    std::vector<int> order(s.series.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return s.pods[static_cast<std::size_t>(a)].requests > s.pods[static_cast<std::size_t>(b)].requests;
    });
    rpsSeries_.clear();
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (i < static_cast<std::size_t>(kTopSeries) || order.size() == static_cast<std::size_t>(kTopSeries) + 1)
            rpsSeries_.push_back({order[i]});
        else {
            if (rpsSeries_.size() == static_cast<std::size_t>(kTopSeries)) rpsSeries_.emplace_back();
            rpsSeries_.back().push_back(order[i]);
        }
    }
    rps_->clearGraphs();
    for (std::size_t g = 0; g < rpsSeries_.size(); ++g) {
        QVector<double> ys(static_cast<qsizetype>(nb), 0.0);
        for (int si : rpsSeries_[g])
            for (std::size_t b = 0; b < nb; ++b)
                ys[static_cast<qsizetype>(b)] += s.requestsPerBucket[static_cast<std::size_t>(si)][b] / width;
        auto* graph = rps_->addGraph();
        graph->setData(xs, ys, true);
        graph->setPen(QPen(seriesColor(static_cast<int>(g)), 1.5));
        graph->setName(rpsSeries_[g].size() == 1 ? qs(s.series[static_cast<std::size_t>(rpsSeries_[g][0])])
                                                 : tr("%n other(s)", nullptr, static_cast<int>(rpsSeries_[g].size())));
    }
    rps_->rescaleAxes();
    rps_->yAxis->setRangeLower(0);
    rps_->replot(QCustomPlot::rpQueuedReplot);

    // latency percentiles
    latency_->clearGraphs();
    const char* names[] = {"p50", "p90", "p99"};
    for (int q = 0; q < 3; ++q) {
        QVector<double> ys(static_cast<qsizetype>(nb));
        for (std::size_t b = 0; b < nb; ++b)
            ys[static_cast<qsizetype>(b)] = s.latencyMs[b][static_cast<std::size_t>(q)];
        auto* graph = latency_->addGraph();
        graph->setData(xs, ys, true);
        graph->setPen(QPen(seriesColor(q), 1.5));
        graph->setName(QString::fromLatin1(names[q]));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 3));
    }
    latency_->rescaleAxes();
    latency_->yAxis->setRangeLower(0);
    latency_->replot(QCustomPlot::rpQueuedReplot);

    // status codes
    statusChart_->clearGraphs();
    const QColor statusColors[] = {QColor(44, 160, 44), QColor(31, 119, 180), QColor(255, 127, 14),
                                   QColor(214, 39, 40)};
    for (std::size_t c = 0; c < kStatusClasses; ++c) {
        QVector<double> ys(static_cast<qsizetype>(nb));
        for (std::size_t b = 0; b < nb; ++b) ys[static_cast<qsizetype>(b)] = s.statusPerBucket[b][c] / width;
        auto* graph = statusChart_->addGraph();
        graph->setData(xs, ys, true);
        graph->setPen(QPen(statusColors[c], 1.5));
        graph->setName(QString::fromLatin1(statusClassName(static_cast<StatusClass>(c))));
    }
    statusChart_->rescaleAxes();
    statusChart_->yAxis->setRangeLower(0);
    statusChart_->replot(QCustomPlot::rpQueuedReplot);

    // share per Service, canary stacked on the primary
    share_->clearPlottables();
    shareServices_.clear();
    auto* primary = new QCPBars(share_->xAxis, share_->yAxis);
    auto* canary = new QCPBars(share_->xAxis, share_->yAxis);
    primary->setName(tr("primary"));
    canary->setName(tr("canary"));
    primary->setBrush(QColor(31, 119, 180, 200));
    primary->setPen(Qt::NoPen);
    canary->setBrush(QColor(255, 127, 14, 220));
    canary->setPen(Qt::NoPen);
    canary->moveAbove(primary);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    std::uint64_t total = 0;
    for (const auto& row : s.services) total += row.requests;
    double k = 1;
    for (const auto& row : s.services) {
        shareServices_.push_back(row.name);
        primary->addData(k, static_cast<double>(row.requests - row.canary));
        canary->addData(k, static_cast<double>(row.canary));
        double pct = total ? 100.0 * static_cast<double>(row.requests) / static_cast<double>(total) : 0;
        QString name = qs(row.name);
        if (name.startsWith(QLatin1Char('('))) name = tr("(controller)");
        ticker->addTick(k, QStringLiteral("%1\n%2%").arg(name).arg(pct, 0, 'f', 1));
        k += 1;
    }
    share_->xAxis->setTicker(ticker);
    share_->xAxis->setTickLabelRotation(s.services.size() > 6 ? 35 : 0);
    share_->xAxis->setRange(0.3, k - 0.3);
    share_->rescaleAxes(true);
    share_->yAxis->rescale();
    share_->yAxis->setRangeLower(0);
    share_->yAxis->setRangeUpper(share_->yAxis->range().upper * 1.1);
    share_->replot(QCustomPlot::rpQueuedReplot);
}

void ReplayPanel::showTable(const ReplaySnapshot& s) {
    // Keeps the selected row's series selected across updates.
    int selectedSeries = -1;
    auto sel = table_->selectionModel()->selectedRows();
    if (!sel.isEmpty()) {
        if (auto* it = table_->item(sel.first().row(), 0))
            selectedSeries = it->data(Qt::UserRole).isValid() ? it->data(Qt::UserRole).toInt() : -1;
    }
    std::vector<const ReplaySnapshot::PodRow*> rows;
    for (const auto& p : s.pods) rows.push_back(&p);
    std::sort(rows.begin(), rows.end(), [&](auto* a, auto* b) {
        const auto &sa = s.seriesService[a->series], &sb = s.seriesService[b->series];
        return sa != sb ? sa < sb : s.series[a->series] < s.series[b->series];
    });
    std::uint64_t total = 0, errors = 0;
    for (auto* r : rows) total += r->requests, errors += r->errors;
    const QSignalBlocker block(table_);
    table_->setRowCount(static_cast<int>(rows.size()) + 1);
    auto set = [&](int row, int col, const QString& text, bool number) {
        auto* item = table_->item(row, col);
        if (!item) table_->setItem(row, col, item = new QTableWidgetItem);
        item->setText(text);
        item->setTextAlignment(number ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter);
        QFont f = item->font();
        f.setBold(row == static_cast<int>(rows.size()));
        item->setFont(f);
        return item;
    };
    auto share = [&](std::uint64_t n) {
        return total ? QString::number(100.0 * static_cast<double>(n) / static_cast<double>(total), 'f', 1) + "%"
                     : QString();
    };
    int restore = -1;
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const auto& r = *rows[static_cast<std::size_t>(i)];
        const std::string& svc = s.seriesService[r.series];
        set(i, 0, svc.rfind('(', 0) == 0 ? tr("(controller)") : qs(svc), false)
            ->setData(Qt::UserRole, static_cast<int>(r.series));
        set(i, 1, qs(s.series[r.series]), false);
        set(i, 2, QString::number(r.requests), true);
        set(i, 3, share(r.requests), true);
        set(i, 4, fmtMs(r.p50Ms), true);
        set(i, 5, fmtMs(r.p99Ms), true);
        set(i, 6, QString::number(r.errors), true);
        if (static_cast<int>(r.series) == selectedSeries) restore = i;
    }
    const int t = static_cast<int>(rows.size());
    set(t, 0, tr("Total"), false)->setData(Qt::UserRole, QVariant());
    set(t, 1, tr("%n series", nullptr, static_cast<int>(rows.size())), false);
    set(t, 2, QString::number(total), true);
    set(t, 3, total ? QStringLiteral("100%") : QString(), true);
    set(t, 4, QString(), true);
    set(t, 5, QString(), true);
    set(t, 6, QString::number(errors), true);
    if (restore >= 0) table_->selectRow(restore);
}

void ReplayPanel::listSamples(const QString& title, const std::vector<const ReplaySample*>& samples) {
    const QSignalBlocker block(requests_);
    requests_->clear();
    listed_.clear();
    for (const auto* s : samples) {
        if (listed_.size() >= kListLimit) break;
        listed_.push_back(*s);
    }
    requestsTitle_->setText(listed_.empty() ? title + tr(" none") : title);
    QList<QTreeWidgetItem*> items;
    for (std::size_t i = 0; i < listed_.size(); ++i) {
        const auto& s = listed_[i];
        const auto& d = s.decision;
        QString answer;
        if (s.rejected)
            answer = tr("503 (Pod queue full)");
        else if (d.status)
            answer = QString::number(d.status) + QLatin1Char(' ') + QString::fromLatin1(sim::outcomeName(d.outcome));
        else
            answer = QStringLiteral("→ ") + qs(d.pod.empty() ? d.endpoint : d.pod) +
                (d.canary ? tr(" (canary)") : QString());
        auto* item = new QTreeWidgetItem(
            {QString::number(s.line), QString::number(static_cast<double>(s.atNs) / 1e9, 'f', 3),
             qs(s.request.method + " " + s.request.scheme + "://" + s.request.host + s.request.target), answer,
             qs(d.service)});
        item->setData(0, Qt::UserRole, static_cast<int>(i));
        items.append(item);
    }
    requests_->addTopLevelItems(items);
    for (int c = 0; c < 4; ++c) requests_->resizeColumnToContents(c);
}

void ReplayPanel::pointClicked(Chart chart, int plottable, int dataIndex) {
    if (!snapshot_ || dataIndex < 0) return;
    const auto& s = *snapshot_;
    const double width = static_cast<double>(s.bucketNs) / 1e9;
    auto bucket = static_cast<std::size_t>(dataIndex);
    QString when = tr("%1–%2 s").arg(static_cast<double>(bucket) * width).arg(static_cast<double>(bucket + 1) * width);
    std::vector<const ReplaySample*> picked;
    QString title;
    switch (chart) {
    case Chart::RequestsPerPod: {
        if (plottable < 0 || static_cast<std::size_t>(plottable) >= rpsSeries_.size()) return;
        for (int si : rpsSeries_[static_cast<std::size_t>(plottable)])
            for (const auto* x : s.samplesIn(bucket, si)) picked.push_back(x);
        title = tr("Requests to %1 at %2:").arg(rps_->graph(plottable)->name(), when);
        break;
    }
    case Chart::Latency:
        picked = s.samplesIn(bucket);
        title = tr("Requests that arrived at %1:").arg(when);
        break;
    case Chart::Status:
        for (const auto* x : s.samplesIn(bucket))
            if (static_cast<int>(statusClassOf(x->decision, x->rejected)) == plottable) picked.push_back(x);
        title = tr("%1 answers at %2:")
                    .arg(QString::fromLatin1(statusClassName(static_cast<StatusClass>(plottable))), when);
        break;
    case Chart::Share: {
        if (bucket >= shareServices_.size()) return;
        const std::string& name = shareServices_[bucket];
        for (std::size_t b = 0; b < s.buckets() && picked.size() < kListLimit; ++b)
            for (const auto* x : s.samplesIn(b))
                if ((x->decision.service.empty() ? std::string("(none: the controller answered)")
                                                 : x->decision.service) == name)
                    picked.push_back(x);
        title = tr("Requests to %1:").arg(qs(name));
        break;
    }
    }
    std::sort(picked.begin(), picked.end(), [](auto* a, auto* b) { return a->line < b->line; });
    listSamples(title, picked);
}

void ReplayPanel::sampleChosen() {
    auto items = requests_->selectedItems();
    if (items.isEmpty()) return;
    auto i = static_cast<std::size_t>(items.first()->data(0, Qt::UserRole).toInt());
    if (i >= listed_.size()) return;
    emit decisionChosen(explain(runTable_.get(), runSeed_, listed_[i]));
}

bool ReplayPanel::exportReport(const QString& path, QString* error) const {
    if (!snapshot_ || !snapshot_->result) {
        if (error) *error = tr("no finished replay to export");
        return false;
    }
    std::string text;
    if (path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)) {
        model::JsonWriter w(true);
        snapshot_->result->writeJson(w);
        text = w.take();
        replay::repairUtf8(text);
        text += '\n';
    } else {
        std::ostringstream out;
        snapshot_->result->writeText(out);
        text = out.str();
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size()) ||
        !file.commit()) {
        if (error) *error = tr("cannot write %1: %2").arg(path, file.errorString());
        file.cancelWriting();
        return false;
    }
    return true;
}

void ReplayPanel::exportClicked() {
    QString path =
        QFileDialog::getSaveFileName(this, tr("Export the replay report"), QStringLiteral("replay-report.txt"),
                                     tr("Text report (*.txt);;Summary JSON (*.json)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportReport(path, &error)) QMessageBox::warning(this, tr("Export failed"), error);
}

}  // namespace hs::gui
