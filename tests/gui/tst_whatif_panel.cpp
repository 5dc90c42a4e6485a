// The what-if panel: the baseline's manifests round-trip through the editor (no change when
// nothing is edited); typing invalid YAML shows a located diagnostic and fixing it clears it; an
// edited path compares to the same groups and counts as the engine's diff; selecting a group asks
// for what moved and shows an example's route; the ingress-nginx → gateway-api comparison on the
// demo trace is the CLI's, byte for byte; saving writes the editor's text.
#include "app/gui/whatif_panel.h"
#include "app/gui/yaml_editor.h"
#include "model/json_writer.h"
#include "model/loader.h"
#include "tests/replay/replay_fixtures.h"

#include <QDirIterator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace hs;
using hs::gui::WhatIfPanel;
using hs::testing::demoLog;

Q_DECLARE_METATYPE(hs::sim::Decision)

namespace {

constexpr int kTimeoutMs = 60000;

std::shared_ptr<const model::ClusterState> demoState() {
    static auto state = demo::load().state;
    return state;
}

// Waits for the validation of the current text; returns its error count (-1 on timeout).
int waitValidated(WhatIfPanel& panel) {
    if (!QTest::qWaitFor([&] { return !panel.isValidating(); }, kTimeoutMs)) return -1;
    return static_cast<int>(panel.validation().errors);
}

bool runCompare(WhatIfPanel& panel) {
    QSignalSpy done(&panel, &WhatIfPanel::compared);
    panel.compare();
    return done.wait(kTimeoutMs) && done.first().first().toBool();
}

replay::DiffReport engineDiff(const std::string& trace, std::shared_ptr<const sim::RouteTable> before,
                              std::shared_ptr<const sim::RouteTable> after, const std::string& afterLabel) {
    auto opened = trace::openTrace(trace, {});
    replay::DiffOptions o;
    o.beforeLabel = demoState()->source();
    o.afterLabel = afterLabel;
    return replay::diffTrace(*opened.reader, std::move(before), std::move(after), o);
}

std::string reportJson(const replay::DiffReport& r) {
    model::JsonWriter w(true);
    r.writeJson(w);
    std::string text = w.take();
    replay::repairUtf8(text);
    return text + "\n";
}

}  // namespace

class TestWhatIfPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        qRegisterMetaType<hs::sim::Decision>();
        QVERIFY(dir_.isValid());
        trace_ = hs::testing::writeFile(dir_, "demo.log", demoLog(3000));
    }

    void unchangedManifestsChangeNothing() {
        WhatIfPanel panel;
        QSignalSpy candidate(&panel, &WhatIfPanel::candidateChanged);
        panel.setBaseline(demoState(), {});
        QCOMPARE(waitValidated(panel), 0);
        QVERIFY2(panel.diagnosticTexts().filter(QStringLiteral(": error: ")).isEmpty(),
                 qPrintable(panel.diagnosticTexts().join('\n')));
        QCOMPARE(candidate.count(), 1);
        QVERIFY(panel.editor()->toPlainText().contains(QStringLiteral("kind: Ingress")));
        panel.setTraceFile(QString::fromStdString(trace_));
        QVERIFY(runCompare(panel));
        QCOMPARE(panel.comparison().report->requests, std::uint64_t(3000));
        QVERIFY2(
            panel.comparison().report->changed == 0,
            qPrintable(QStringLiteral("%1 requests change without an edit; first: %2 → %3")
                           .arg(panel.comparison().report->changed)
                           .arg(QString::fromStdString(panel.comparison().report->groups.empty()
                                                           ? ""
                                                           : panel.comparison().report->groups[0].before.describe()))
                           .arg(QString::fromStdString(panel.comparison().report->groups.empty()
                                                           ? ""
                                                           : panel.comparison().report->groups[0].after.describe()))));
        QCOMPARE(panel.changes()->topLevelItemCount(), 0);
    }

    void typingInvalidYamlShowsALocatedDiagnostic() {
        WhatIfPanel panel;
        panel.setBaseline(demoState(), {});
        QCOMPARE(waitValidated(panel), 0);
        auto* editor = panel.editor();
        // the end of the first `kind: Ingress` line
        QTextCursor c = editor->document()->find(QStringLiteral("kind: Ingress"));
        QVERIFY(!c.isNull());
        const int line = c.blockNumber() + 1;
        c.movePosition(QTextCursor::EndOfBlock);
        editor->setTextCursor(c);
        QSignalSpy validated(&panel, &WhatIfPanel::validated);
        QTest::keyClicks(editor, QStringLiteral(": x"));
        QVERIFY(panel.isValidating());
        QVERIFY(waitValidated(panel) > 0);
        QCOMPARE(validated.count(), 1);  // debounced: one validation for three keystrokes
        bool located = false;
        for (const auto& d : panel.validation().diagnostics)
            located = located ||
                (d.severity == model::Severity::Error && static_cast<int>(d.loc.line) == line && d.loc.col > 0);
        QVERIFY2(
            located,
            qPrintable(QStringLiteral("no error on line %1: %2").arg(line).arg(panel.diagnosticTexts().join('\n'))));
        QVERIFY(!editor->marks().empty());
        QCOMPARE(editor->marks().front().line, line);
        QVERIFY(!editor->extraSelections().isEmpty());  // underlined
        QVERIFY(editor->extraSelections().front().format.underlineStyle() == QTextCharFormat::WaveUnderline);

        for (int i = 0; i < 3; ++i) QTest::keyClick(editor, Qt::Key_Backspace);
        QCOMPARE(waitValidated(panel), 0);
        QVERIFY(editor->marks().empty());
        QVERIFY(editor->extraSelections().isEmpty());
    }

    void editedPathIsGroupedLikeTheEngine() {
        WhatIfPanel panel;
        QSignalSpy candidate(&panel, &WhatIfPanel::candidateChanged);
        panel.setBaseline(demoState(), {});
        QCOMPARE(waitValidated(panel), 0);
        auto* editor = panel.editor();
        QTextCursor c = editor->document()->find(QStringLiteral("path: /api"));
        QVERIFY2(!c.isNull(), "the demo has no `path: /api`");
        c.insertText(QStringLiteral("path: /apiv9"));
        panel.setTraceFile(QString::fromStdString(trace_));
        QVERIFY(runCompare(panel));  // waits for the validation of the edit first
        const auto& report = *panel.comparison().report;
        QVERIFY(report.changed > 0);
        QVERIFY(candidate.count() >= 2);

        auto loaded = model::loadTexts({{"edited.yaml", editor->toPlainText().toStdString()}});
        auto expected =
            engineDiff(trace_, hs::testing::demoTable(), sim::compileRouteTable(loaded.state, {}), "edited manifests");
        QCOMPARE(report.changed, expected.changed);
        QCOMPARE(report.groups.size(), expected.groups.size());
        QTreeWidget* t = panel.changes();
        QCOMPARE(t->topLevelItemCount(), static_cast<int>(expected.groups.size()));
        for (int i = 0; i < t->topLevelItemCount(); ++i) {
            const auto& g = expected.groups[static_cast<std::size_t>(i)];
            QCOMPARE(t->topLevelItem(i)->text(0).toStdString(), g.before.describe());
            QCOMPARE(t->topLevelItem(i)->text(1).toStdString(), g.after.describe());
            QCOMPARE(t->topLevelItem(i)->text(2).toULongLong(), g.count);
            QCOMPARE(t->topLevelItem(i)->childCount(), static_cast<int>(g.examples.size()));
        }

        // selecting a group: what moved, and an example's route on the edited side
        QSignalSpy moved(&panel, &WhatIfPanel::highlightRequested);
        QSignalSpy chosen(&panel, &WhatIfPanel::decisionChosen);
        t->setCurrentItem(t->topLevelItem(0));
        QCOMPARE(moved.count(), 1);
        QStringList ids = moved.first().first().toStringList();
        QVERIFY2(!ids.isEmpty(), "nothing to highlight");
        const auto& g0 = expected.groups[0];
        for (const auto& svc : {g0.before.service, g0.after.service})
            if (!svc.empty())
                QVERIFY2(ids.contains(QString::fromStdString("Service/" + svc)), qPrintable(ids.join(' ')));
        QCOMPARE(chosen.count(), 1);
        auto d = chosen.first().first().value<hs::sim::Decision>();
        QCOMPARE(d.service, g0.after.service);
        QVERIFY(!d.hops.empty());
        QVERIFY(panel.comparison().examples[0][0].found);

        // HS_SCREENSHOT_DIR=docs/screenshots renders the panel for the docs (docs/gui.md)
        if (qEnvironmentVariableIsSet("HS_SCREENSHOT_DIR")) {
            panel.resize(1100, 900);
            panel.show();
            QVERIFY(QTest::qWaitForWindowExposed(&panel));
            t->expandItem(t->topLevelItem(0));
            panel.editor()->goToLine(c.blockNumber() + 1);
            QVERIFY(panel.grab().save(qEnvironmentVariable("HS_SCREENSHOT_DIR") + QStringLiteral("/whatif.png")));
        }
    }

    void profileComparisonIsTheClis() {
        QVERIFY2(QFile::exists(QString::fromStdString(hs::testing::demoTraceFile())),
                 (hs::testing::demoTraceFile() + " is missing (built by hs_demo_trace_files)").c_str());
        WhatIfPanel panel;
        panel.setBaseline(demoState(), {});
        panel.setMode(WhatIfPanel::Mode::OtherProfile);
        panel.setOtherProfile(sim::Profile::GatewayApi);
        panel.setTraceFile(QString::fromStdString(hs::testing::demoTraceFile()));
        QVERIFY(runCompare(panel));
        auto cli = hs::testing::runCli({"diff", "--demo", "--trace", hs::testing::demoTraceFile(), "--profile",
                                        "ingress-nginx", "--against-profile", "gateway-api", "--json"});
        QVERIFY2(cli.code == 1, cli.err.c_str());  // 1: changes found
        const auto& report = *panel.comparison().report;
        QVERIFY(!report.groups.empty());
        QCOMPARE(reportJson(report), cli.out);
        QCOMPARE(panel.changes()->topLevelItemCount(), static_cast<int>(report.groups.size()));
    }

    void saveWritesTheEditorsText() {
        WhatIfPanel panel;
        panel.setBaseline(demoState(), {});
        panel.editor()->appendPlainText(QStringLiteral("# my note"));
        QString error;
        const QString path = dir_.filePath(QStringLiteral("saved.yaml"));
        QVERIFY2(panel.saveManifests(path, &error), qPrintable(error));
        QCOMPARE(QString::fromStdString(hs::testing::readFile(path.toStdString())), panel.editor()->toPlainText());
        QVERIFY(!panel.saveManifests(dir_.filePath(QStringLiteral("no/such/dir/x.yaml")), &error));
        QVERIFY(error.contains(QStringLiteral("no/such/dir")));
        // and it opens again
        WhatIfPanel other;
        other.setBaseline(demoState(), {});
        QVERIFY(other.openManifests(path, &error));
        QCOMPARE(other.editor()->toPlainText(), panel.editor()->toPlainText());
        QCOMPARE(waitValidated(other), 0);
    }

    // A second manifest set as a folder: every file's text reaches the editor, as written, and it
    // validates to the objects the loader finds in that folder.
    void openFolderLoadsEveryManifest() {
        const QString folder = QString::fromStdString(hs::testing::sourceDir() + "/resources/demo");
        WhatIfPanel panel;
        panel.setBaseline(demoState(), {});
        QString error;
        QVERIFY2(panel.openManifests(folder, &error), qPrintable(error));
        const QString text = panel.editor()->toPlainText();
        QDirIterator it(folder, {QStringLiteral("*.yaml")}, QDir::Files, QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(text.contains(QString::fromUtf8(f.readAll())), qPrintable(f.fileName()));
            ++files;
        }
        QVERIFY(files > 1);
        QCOMPARE(waitValidated(panel), 0);
        auto loaded = hs::model::loadManifests({folder.toStdString()});
        QCOMPARE(panel.validation().state->objectCount(), loaded.state->objectCount());
        QVERIFY(!panel.openManifests(dir_.filePath(QStringLiteral("empty-folder-none")), &error));
        QDir(dir_.path()).mkdir(QStringLiteral("empty"));
        QVERIFY(!panel.openManifests(dir_.filePath(QStringLiteral("empty")), &error));
        QVERIFY2(error.contains(QStringLiteral("no manifest files")), qPrintable(error));
    }

private:
    QTemporaryDir dir_;
    std::string trace_;
};

QTEST_MAIN(TestWhatIfPanel)
#include "tst_whatif_panel.moc"
