// Golden routing cases: every folder under tests/golden/<profile>/<case>/ holds manifests and a
// tests.yaml in `hopscope-cli check` format (docs/check.md). One row per test.
#include "model/loader.h"
#include "simulator/check.h"

#include <QDir>
#include <QtTest>

using namespace hs;

namespace {
struct Case {
    std::shared_ptr<const model::ClusterState> state;
    std::shared_ptr<sim::TestFile> file;
    std::shared_ptr<sim::CheckReport> report;
};
}  // namespace

class TestGolden : public QObject {
    Q_OBJECT
private slots:
    void golden_data() {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<int>("index");
        QDir root(QStringLiteral(HS_SOURCE_DIR "/tests/golden"));
        QVERIFY2(root.exists(), "tests/golden is missing");
        for (const QString& profile : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            QDir pdir(root.filePath(profile));
            for (const QString& c : pdir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
                QDir cdir(pdir.filePath(c));
                std::vector<std::string> manifests;
                for (const QString& f : cdir.entryList({"*.yaml", "*.yml", "*.json"}, QDir::Files, QDir::Name))
                    if (f != "tests.yaml") manifests.push_back(cdir.filePath(f).toStdString());
                auto loaded = model::loadManifests(manifests);
                for (const auto& d : loaded.diagnostics)
                    if (d.severity == model::Severity::Error) qWarning("%s", d.format().c_str());
                Case k;
                k.state = loaded.state;
                k.file = std::make_shared<sim::TestFile>(sim::loadTestFile(cdir.filePath("tests.yaml").toStdString()));
                for (const auto& d : k.file->problems) qWarning("%s", d.format().c_str());
                sim::ProfileOptions opt;
                k.report = std::make_shared<sim::CheckReport>(sim::runChecks(*k.file, k.state, opt));
                QString key = profile + "/" + c;
                cases_[key] = k;
                for (int i = 0; i < static_cast<int>(k.report->results.size()); ++i)
                    QTest::newRow(qPrintable(key + ": " + QString::fromStdString(k.report->results[i].test->name))) << key << i;
            }
        }
    }

    void golden() {
        QFETCH(QString, folder);
        QFETCH(int, index);
        const Case& k = cases_.at(folder);
        QVERIFY2(k.file->problems.empty(), "the tests file has format problems (see warnings)");
        const sim::TestResult& r = k.report->results[static_cast<std::size_t>(index)];
        std::string msg;
        for (const auto& m : r.mismatches) msg += m.field + ": expected " + m.expected + ", got " + m.actual + "; ";
        if (!r.passed) msg += "decision: " + sim::decisionJson(r.decision, false, true);
        QVERIFY2(r.passed, msg.c_str());
    }

private:
    std::map<QString, Case> cases_;
};

QTEST_APPLESS_MAIN(TestGolden)
#include "tst_golden.moc"
