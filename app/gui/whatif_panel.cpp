#include "app/gui/whatif_panel.h"

#include "app/gui/yaml_editor.h"
#include "model/loader.h"
#include "model/manifest_writer.h"
#include "simulator/replay/engine.h"
#include "simulator/trace/trace_reader.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <set>

namespace hs::gui {

namespace {

constexpr const char* kEditedName = "edited.yaml";

QString qs(const std::string& s) { return QString::fromStdString(s); }

std::string baselineYaml(const model::ClusterState& state) {
    model::ManifestWriterOptions o;
    o.header = " What-if: the manifests of " + state.source() +
        ". Edit freely: nothing here is applied to a cluster; Compare shows what would change.";
    std::string out;
    for (const auto& f : model::writeManifests(state, o)) {
        if (!out.empty()) out += "---\n";
        out += f.text;
        if (!out.empty() && out.back() != '\n') out += '\n';
    }
    return out;
}

WhatIfValidation validate(std::string text, sim::ProfileOptions profile) {
    WhatIfValidation v;
    model::LoadOptions lo;
    lo.source = "what-if edit";
    lo.threads = 1;
    auto r = model::loadTexts({{kEditedName, std::move(text)}}, lo);
    v.diagnostics = std::move(r.diagnostics);
    v.errors = model::countSeverity(v.diagnostics, model::Severity::Error);
    v.state = r.state;
    if (v.state) v.table = sim::compileRouteTable(v.state, profile);
    return v;
}

void addNodes(std::set<QString>& ids, const sim::Decision& d) {
    if (!d.ingress.empty())
        ids.insert(qs((d.routeKind.empty() ? std::string("Ingress") : d.routeKind) + "/" + d.ingress));
    if (!d.service.empty()) ids.insert(qs("Service/" + d.service));
    if (!d.pod.empty()) ids.insert(qs("Pod/" + d.pod));
}

// The diff, then every example request read again from the trace (headers, client) and explained
// on both sides with the diff's choice key.
WhatIfComparison runComparison(std::string tracePath, std::shared_ptr<const sim::RouteTable> before,
                               std::shared_ptr<const sim::RouteTable> after, replay::DiffOptions opt,
                               std::shared_ptr<std::atomic<bool>> cancel) {
    WhatIfComparison c;
    auto opened = trace::openTrace(tracePath, {});
    if (!opened.reader) {
        c.error = opened.error;
        return c;
    }
    opt.progress = [cancel](std::uint64_t) { return !cancel->load(); };
    auto report = std::make_shared<replay::DiffReport>(replay::diffTrace(*opened.reader, before, after, opt));
    c.report = report;
    if (report->cancelled) return c;

    // lines wanted: "name:line" of each example
    std::map<std::uint64_t, trace::TraceRecord> wanted;
    for (const auto& g : report->groups)
        for (const auto& e : g.examples) {
            auto colon = e.where.rfind(':');
            if (colon != std::string::npos) wanted[std::strtoull(e.where.c_str() + colon + 1, nullptr, 10)];
        }
    if (!wanted.empty()) {
        auto again = trace::openTrace(tracePath, {});
        trace::TraceRecord rec;
        std::size_t found = 0;
        const std::uint64_t last = wanted.rbegin()->first;
        while (again.reader && found < wanted.size() && again.reader->next(rec) && !cancel->load()) {
            auto it = wanted.find(rec.line);
            if (it != wanted.end() && rec.kind == trace::TraceRecord::Kind::Request) {
                it->second = rec;
                ++found;
            }
            if (rec.line >= last) break;
        }
    }
    auto sb = before->newSession(opt.seed);
    auto sa = after->newSession(opt.seed);
    for (const auto& g : report->groups) {
        std::vector<WhatIfComparison::Example> examples;
        std::set<QString> ids;
        for (const auto& e : g.examples) {
            WhatIfComparison::Example x;
            auto colon = e.where.rfind(':');
            std::uint64_t line =
                colon == std::string::npos ? 0 : std::strtoull(e.where.c_str() + colon + 1, nullptr, 10);
            // The diff's request text carries the host it used (inferred when the trace has none).
            auto space = e.request.find(' ');
            auto parsed = sim::parseUrl(space == std::string::npos ? e.request : e.request.substr(space + 1));
            sim::Request req = parsed.request;
            if (space != std::string::npos) req.method = e.request.substr(0, space);
            auto it = wanted.find(line);
            if (it != wanted.end() && it->second.kind == trace::TraceRecord::Kind::Request) {
                sim::Request full = it->second.request;
                full.host = req.host;
                full.scheme = req.scheme;
                req = std::move(full);
                x.found = true;
            }
            sim::RouteOptions ro;
            ro.explain = true;
            ro.choiceKey = replay::choiceKeyFor(opt.seed, line);
            sb->route(req, x.before, ro);
            sa->route(req, x.after, ro);
            addNodes(ids, x.before);
            addNodes(ids, x.after);
            examples.push_back(std::move(x));
        }
        c.examples.push_back(std::move(examples));
        c.movedNodes.push_back(QStringList(ids.begin(), ids.end()));
    }
    return c;
}

}  // namespace

WhatIfPanel::WhatIfPanel(QWidget* parent) : QWidget(parent) {
    auto* notice =
        new QLabel(tr("<b>What-if:</b> nothing here is ever applied to a cluster. Edits stay in this editor "
                      "until you save them to a file; Compare replays a trace through both configurations."));
    notice->setWordWrap(true);
    baselineLabel_ = new QLabel(tr("No baseline yet: load a cluster."));
    editedMode_ = new QRadioButton(tr("Edited manifests"));
    profileMode_ = new QRadioButton(tr("Another controller profile:"));
    editedMode_->setChecked(true);
    auto* modes = new QButtonGroup(this);
    modes->addButton(editedMode_);
    modes->addButton(profileMode_);
    otherProfile_ = new QComboBox;
    for (auto p : {sim::Profile::GatewayApi, sim::Profile::IngressNginx, sim::Profile::Gce, sim::Profile::Spec})
        otherProfile_->addItem(QString::fromLatin1(sim::profileName(p)), static_cast<int>(p));
    auto* openButton = new QPushButton(tr("Open…"));
    openButton->setToolTip(tr("Load a manifest file into the editor"));
    auto* openFolderButton = new QPushButton(tr("Open folder…"));
    openFolderButton->setToolTip(tr("Load every manifest of a folder (a second manifest set) into the editor"));
    auto* saveButton = new QPushButton(tr("Save as…"));
    auto* resetButton = new QPushButton(tr("Reset"));
    resetButton->setToolTip(tr("Back to the baseline's manifests"));

    editor_ = new YamlEditor;
    diagnostics_ = new QListWidget;
    diagnostics_->setMaximumHeight(90);
    validity_ = new QLabel;

    trace_ = new QLineEdit;
    trace_->setPlaceholderText(tr("the trace to compare on"));
    auto* traceOpen = new QPushButton(tr("Open…"));
    seed_ = new QSpinBox;
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setValue(1);
    compareButton_ = new QPushButton(tr("Compare"));
    cancelButton_ = new QPushButton(tr("Cancel"));
    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setTextVisible(false);
    progress_->setVisible(false);
    summary_ = new QLabel;
    summary_->setWordWrap(true);
    changes_ = new QTreeWidget;
    changes_->setHeaderLabels({tr("Before"), tr("After"), tr("Requests"), tr("What changed")});
    changes_->header()->setSectionResizeMode(QHeaderView::Interactive);
    changes_->setColumnWidth(0, 260);
    changes_->setColumnWidth(1, 260);

    auto* modeRow = new QHBoxLayout;
    modeRow->addWidget(editedMode_);
    modeRow->addWidget(openButton);
    modeRow->addWidget(openFolderButton);
    modeRow->addWidget(saveButton);
    modeRow->addWidget(resetButton);
    modeRow->addSpacing(16);
    modeRow->addWidget(profileMode_);
    modeRow->addWidget(otherProfile_);
    modeRow->addStretch(1);

    auto* editBox = new QWidget;
    auto* editLayout = new QVBoxLayout(editBox);
    editLayout->setContentsMargins(0, 0, 0, 0);
    editLayout->addWidget(editor_, 1);
    editLayout->addWidget(validity_);
    editLayout->addWidget(diagnostics_);

    auto* traceRow = new QHBoxLayout;
    traceRow->addWidget(new QLabel(tr("Trace")));
    traceRow->addWidget(trace_, 1);
    traceRow->addWidget(traceOpen);
    traceRow->addWidget(new QLabel(tr("Seed")));
    traceRow->addWidget(seed_);
    traceRow->addWidget(compareButton_);
    traceRow->addWidget(cancelButton_);
    traceRow->addWidget(progress_);
    auto* resultBox = new QWidget;
    auto* resultLayout = new QVBoxLayout(resultBox);
    resultLayout->setContentsMargins(0, 0, 0, 0);
    resultLayout->addLayout(traceRow);
    resultLayout->addWidget(summary_);
    resultLayout->addWidget(changes_, 1);

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(editBox);
    split->addWidget(resultBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(notice);
    layout->addWidget(baselineLabel_);
    layout->addLayout(modeRow);
    layout->addWidget(split, 1);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(kValidateDelayMs);
    connect(debounce_, &QTimer::timeout, this, &WhatIfPanel::validateNow);
    connect(editor_, &QPlainTextEdit::textChanged, this, [this] {
        if (!settingText_) validity_->setText(tr("Checking…"));
        debounce_->start();
    });
    connect(&validating_, &QFutureWatcher<WhatIfValidation>::finished, this, &WhatIfPanel::onValidated);
    connect(&comparingWatcher_, &QFutureWatcher<WhatIfComparison>::finished, this, &WhatIfPanel::onCompared);
    connect(diagnostics_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        editor_->goToLine(item->data(Qt::UserRole).toInt(), item->data(Qt::UserRole + 1).toInt());
    });
    connect(diagnostics_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        editor_->goToLine(item->data(Qt::UserRole).toInt(), item->data(Qt::UserRole + 1).toInt());
    });
    connect(editedMode_, &QRadioButton::toggled, this, &WhatIfPanel::updateControls);
    connect(openButton, &QPushButton::clicked, this, [this] {
        QString f = QFileDialog::getOpenFileName(this, tr("Open manifests"), QString(),
                                                 tr("Manifests (*.yaml *.yml *.json);;All files (*)"));
        QString error;
        if (!f.isEmpty() && !openManifests(f, &error)) QMessageBox::warning(this, tr("Cannot open"), error);
    });
    connect(openFolderButton, &QPushButton::clicked, this, [this] {
        QString d = QFileDialog::getExistingDirectory(this, tr("Open a folder of manifests"));
        QString error;
        if (!d.isEmpty() && !openManifests(d, &error)) QMessageBox::warning(this, tr("Cannot open"), error);
    });
    connect(saveButton, &QPushButton::clicked, this, [this] {
        QString f = QFileDialog::getSaveFileName(this, tr("Save the edited manifests"), QStringLiteral("what-if.yaml"),
                                                 tr("YAML (*.yaml *.yml)"));
        QString error;
        if (!f.isEmpty() && !saveManifests(f, &error)) QMessageBox::warning(this, tr("Save failed"), error);
    });
    connect(resetButton, &QPushButton::clicked, this, [this] {
        if (baseline_) editor_->setPlainText(qs(baselineYaml(*baseline_)));
    });
    connect(traceOpen, &QPushButton::clicked, this, [this] {
        QString f =
            QFileDialog::getOpenFileName(this, tr("Open a trace"), QFileInfo(trace_->text()).absolutePath(),
                                         tr("Traces (*.log *.gz *.jsonl *.json *.csv *.har *.txt);;All files (*)"));
        if (!f.isEmpty()) setTraceFile(f);
    });
    connect(trace_, &QLineEdit::textChanged, this, &WhatIfPanel::updateControls);
    connect(compareButton_, &QPushButton::clicked, this, &WhatIfPanel::compare);
    connect(cancelButton_, &QPushButton::clicked, this, &WhatIfPanel::cancelCompare);
    connect(changes_, &QTreeWidget::itemSelectionChanged, this, &WhatIfPanel::changeSelected);
    updateControls();
}

WhatIfPanel::~WhatIfPanel() {
    if (cancel_) *cancel_ = true;
    debounce_->stop();
    validating_.disconnect(this);
    comparingWatcher_.disconnect(this);
    validating_.waitForFinished();
    comparingWatcher_.waitForFinished();
}

void WhatIfPanel::setBaseline(std::shared_ptr<const model::ClusterState> state, const sim::ProfileOptions& profile) {
    baseline_ = std::move(state);
    profile_ = profile;
    baselineTable_.reset();
    if (!baseline_) return;
    baselineLabel_->setText(tr("Baseline: %1 · profile %2")
                                .arg(qs(baseline_->source()), QString::fromLatin1(sim::profileName(profile_.profile))));
    // the other profile defaults to the next one (ingress-nginx → gateway-api)
    int other = otherProfile_->findData(static_cast<int>(
        profile_.profile == sim::Profile::GatewayApi ? sim::Profile::IngressNginx : sim::Profile::GatewayApi));
    otherProfile_->setCurrentIndex(std::max(other, 0));
    settingText_ = true;
    editor_->setPlainText(qs(baselineYaml(*baseline_)));
    settingText_ = false;
    validity_->setText(tr("Checking…"));
    validateNow();
    updateControls();
}

void WhatIfPanel::setTraceFile(const QString& path) { trace_->setText(path); }
void WhatIfPanel::setMode(Mode mode) { (mode == Mode::EditedManifests ? editedMode_ : profileMode_)->setChecked(true); }
void WhatIfPanel::setSeed(quint64 seed) {
    seed_->setValue(static_cast<int>(std::min<quint64>(seed, static_cast<quint64>(seed_->maximum()))));
}

void WhatIfPanel::setOtherProfile(sim::Profile profile) {
    int i = otherProfile_->findData(static_cast<int>(profile));
    if (i >= 0) otherProfile_->setCurrentIndex(i);
}

bool WhatIfPanel::isValidating() const {
    return debounce_->isActive() || validating_.isRunning() || pendingGen_ != validationGen_;
}

QStringList WhatIfPanel::diagnosticTexts() const {
    QStringList out;
    for (const auto& d : validation_.diagnostics)
        out << QStringLiteral("%1:%2: %3: %4")
                   .arg(d.loc.line)
                   .arg(d.loc.col)
                   .arg(QString::fromLatin1(model::severityName(d.severity)), qs(d.message));
    return out;
}

std::shared_ptr<const sim::RouteTable> WhatIfPanel::baselineTable() const {
    if (!baselineTable_ && baseline_) baselineTable_ = sim::compileRouteTable(baseline_, profile_);
    return baselineTable_;
}

void WhatIfPanel::validateNow() {
    debounce_->stop();
    if (!baseline_) return;
    ++pendingGen_;
    if (validating_.isRunning()) return;  // onValidated starts the latest text when this one ends
    validatingGen_ = pendingGen_;
    validating_.setFuture(QtConcurrent::run(validate, editor_->toPlainText().toStdString(), profile_));
}

void WhatIfPanel::onValidated() {
    if (validatingGen_ != pendingGen_) {  // the text changed while it ran: check the latest instead
        validatingGen_ = pendingGen_;
        validating_.setFuture(QtConcurrent::run(validate, editor_->toPlainText().toStdString(), profile_));
        return;
    }
    WhatIfValidation v = validating_.result();
    const quint64 gen = validatingGen_;
    validationGen_ = gen;
    validation_ = std::move(v);
    std::vector<YamlEditor::Mark> marks;
    diagnostics_->clear();
    for (const auto& d : validation_.diagnostics) {
        if (d.severity == model::Severity::Info) continue;
        const bool error = d.severity == model::Severity::Error;
        QString text = QStringLiteral("%1:%2: %3").arg(d.loc.line).arg(d.loc.col).arg(qs(d.message));
        if (!d.object.empty()) text += QStringLiteral(" [%1]").arg(qs(d.object));
        auto* item = new QListWidgetItem(text, diagnostics_);
        item->setForeground(error ? QColor(190, 20, 20) : QColor(170, 100, 0));
        item->setData(Qt::UserRole, static_cast<int>(d.loc.line));
        item->setData(Qt::UserRole + 1, static_cast<int>(d.loc.col));
        if (d.loc.line > 0) marks.push_back({static_cast<int>(d.loc.line), static_cast<int>(d.loc.col), error, text});
    }
    editor_->setMarks(std::move(marks));
    const auto warnings = model::countSeverity(validation_.diagnostics, model::Severity::Warning);
    if (validation_.errors)
        validity_->setText(
            tr("<span style='color:#b01010'>%n error(s)</span>", nullptr, static_cast<int>(validation_.errors)) +
            (warnings ? tr(", %n warning(s)", nullptr, static_cast<int>(warnings)) : QString()));
    else
        validity_->setText(tr("Valid: %1 objects")
                               .arg(validation_.state ? static_cast<qulonglong>(validation_.state->objectCount()) : 0) +
                           (warnings ? tr(", %n warning(s)", nullptr, static_cast<int>(warnings)) : QString()));
    diagnostics_->setVisible(diagnostics_->count() > 0);
    updateControls();
    if (!validation_.errors && validation_.table) emit candidateChanged(validation_.table);
    emit validated(static_cast<int>(validation_.errors));
    if (compareAfterValidation_) {
        compareAfterValidation_ = false;
        compare();
    }
}

void WhatIfPanel::updateControls() {
    otherProfile_->setEnabled(profileMode_->isChecked());
    editor_->setReadOnly(false);
    compareButton_->setEnabled(!comparing_ && baseline_ && !trace_->text().isEmpty());
    cancelButton_->setEnabled(comparing_);
}

void WhatIfPanel::compare() {
    if (comparing_ || !baseline_ || trace_->text().isEmpty()) return;
    std::shared_ptr<const sim::RouteTable> before = baselineTable(), after;
    replay::DiffOptions opt;
    opt.seed = static_cast<std::uint64_t>(seed_->value());
    opt.beforeLabel = baseline_->source();
    if (editedMode_->isChecked()) {
        if (isValidating()) {  // compare what the editor says now
            compareAfterValidation_ = true;
            validateNow();
            return;
        }
        if (validation_.errors || !validation_.table) {
            summary_->setText(tr("Fix the errors in the manifests first (%n error(s)).", nullptr,
                                 static_cast<int>(validation_.errors)));
            emit compared(false);
            return;
        }
        after = validation_.table;
        opt.afterLabel = "edited manifests";
    } else {
        sim::ProfileOptions p;
        p.profile = static_cast<sim::Profile>(otherProfile_->currentData().toInt());
        after = sim::compileRouteTable(baseline_, p);
        opt.afterLabel = baseline_->source();
    }
    if (!before || !after) {
        summary_->setText(tr("That profile is not available in this build."));
        emit compared(false);
        return;
    }
    comparing_ = true;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    progress_->setRange(0, 0);
    progress_->setVisible(true);
    summary_->setText(tr("Comparing…"));
    updateControls();
    comparingWatcher_.setFuture(
        QtConcurrent::run(runComparison, trace_->text().toStdString(), before, after, opt, cancel_));
}

void WhatIfPanel::cancelCompare() {
    if (comparing_ && cancel_) *cancel_ = true;
}

void WhatIfPanel::onCompared() {
    comparing_ = false;
    progress_->setRange(0, 1);
    progress_->setVisible(false);
    comparison_ = comparingWatcher_.result();
    const bool ok = comparison_.error.empty() && comparison_.report && !comparison_.report->cancelled;
    showComparison();
    updateControls();
    emit compared(ok);
}

void WhatIfPanel::showComparison() {
    const QSignalBlocker block(changes_);
    changes_->clear();
    if (!comparison_.error.empty()) {
        summary_->setText(tr("Cannot compare: %1").arg(qs(comparison_.error)));
        return;
    }
    const auto& r = *comparison_.report;
    if (r.cancelled) {
        summary_->setText(tr("Cancelled after %1 lines.").arg(r.lines));
        return;
    }
    QString text = tr("%1 of %2 requests change (%3 lines, %4 bad) · %5 → %6")
                       .arg(r.changed)
                       .arg(r.requests)
                       .arg(r.lines)
                       .arg(r.bad)
                       .arg(qs(r.beforeProfile), qs(r.afterProfile));
    if (!r.inputError.empty()) text += tr(" · stopped early: %1").arg(qs(r.inputError));
    summary_->setText(text);
    for (std::size_t gi = 0; gi < r.groups.size(); ++gi) {
        const auto& g = r.groups[gi];
        QStringList changed;
        for (const auto& c : g.changed) changed << qs(c);
        auto* item = new QTreeWidgetItem({qs(g.before.describe()), qs(g.after.describe()), QString::number(g.count),
                                          changed.join(QStringLiteral(", "))});
        item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
        item->setData(0, Qt::UserRole, static_cast<int>(gi));
        item->setData(1, Qt::UserRole, -1);
        item->setToolTip(0, qs(g.before.rule));
        item->setToolTip(1, qs(g.after.rule));
        for (std::size_t ei = 0; ei < g.examples.size(); ++ei) {
            const auto& e = g.examples[ei];
            QString values = e.before == e.after ? QString() : qs(e.before + " → " + e.after);
            QString where = qs(e.where);
            where = where.mid(where.lastIndexOf(QLatin1Char('/')) + 1);  // "access.log.gz:123"
            auto* child = new QTreeWidgetItem(item, {where, qs(e.request), QString(), values});
            child->setToolTip(1, qs(e.request));
            child->setToolTip(3, values);
            child->setData(0, Qt::UserRole, static_cast<int>(gi));
            child->setData(1, Qt::UserRole, static_cast<int>(ei));
        }
        changes_->addTopLevelItem(item);
    }
}

void WhatIfPanel::changeSelected() {
    auto items = changes_->selectedItems();
    if (items.isEmpty() || !comparison_.report) return;
    auto gi = static_cast<std::size_t>(items.first()->data(0, Qt::UserRole).toInt());
    int ei = items.first()->data(1, Qt::UserRole).toInt();
    if (gi >= comparison_.examples.size()) return;
    emit highlightRequested(comparison_.movedNodes[gi]);
    const auto& ex = comparison_.examples[gi];
    if (ex.empty()) return;
    emit decisionChosen(ex[static_cast<std::size_t>(std::max(ei, 0))].after);
}

bool WhatIfPanel::openManifests(const QString& path, QString* error) {
    QString text;
    if (QFileInfo(path).isDir()) {
        // A folder: every manifest file in it (model::manifestFilesIn: the files the loader reads,
        // in its order), as written — concatenated as YAML documents, each after a comment naming
        // its file. Nothing is dropped: a broken file shows up in validation.
        std::string walkError;
        QStringList files;
        for (const std::string& f : model::manifestFilesIn(path.toStdString(), walkError))
            files << QString::fromStdString(f);
        if (!walkError.empty()) {
            if (error) *error = tr("cannot read the folder %1: %2").arg(path, QString::fromStdString(walkError));
            return false;
        }
        const QDir root(path);
        for (const QString& file : files) {
            QFile f(file);
            if (!f.open(QIODevice::ReadOnly)) {
                if (error) *error = tr("cannot read %1: %2").arg(file, f.errorString());
                return false;
            }
            QString body = QString::fromUtf8(f.readAll());
            if (!text.isEmpty()) text += QStringLiteral("---\n");
            text += QStringLiteral("# file: %1\n").arg(root.relativeFilePath(file));
            text += body;
            if (!body.endsWith(u'\n')) text += u'\n';
        }
        if (files.isEmpty()) {
            if (error) *error = tr("%1 holds no manifest files (*.yaml, *.yml, *.json)").arg(path);
            return false;
        }
    } else {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            if (error) *error = tr("cannot read %1: %2").arg(path, f.errorString());
            return false;
        }
        text = QString::fromUtf8(f.readAll());
    }
    editor_->setPlainText(text);
    setMode(Mode::EditedManifests);
    return true;
}

bool WhatIfPanel::saveManifests(const QString& path, QString* error) const {
    QSaveFile f(path);
    QByteArray bytes = editor_->toPlainText().toUtf8();
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        if (error) *error = tr("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

}  // namespace hs::gui
