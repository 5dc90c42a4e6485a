// The request panel: the same answer as `hopscope-cli route --demo --json` for the same request,
// every hop listed with its rejected candidates, input errors explained instead of routed.
#include "app/cli/cli.h"
#include "app/gui/request_form.h"
#include "app/gui/request_panel.h"
#include "resources/demo.h"
#include "simulator/route_table.h"

#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#include <sstream>

using namespace hs;

namespace {

// What the CLI prints for the same request (the documented Decision JSON).
std::string cliJson(const std::vector<std::string>& extra) {
    std::vector<std::string> words = {"route", "--demo", "--json"};
    words.insert(words.end(), extra.begin(), extra.end());
    std::ostringstream out, err;
    std::istringstream in;
    cli::Io io{out, err, in};
    const int code = cli::run(words, io);
    if (code != 0) return "exit " + std::to_string(code) + ": " + err.str();
    return out.str();
}

}  // namespace

class TestRequestPanel : public QObject {
    Q_OBJECT
    std::shared_ptr<const model::ClusterState> state_;
    std::shared_ptr<const sim::RouteTable> table_;

private slots:
    void initTestCase() {
        state_ = demo::load().state;
        table_ = sim::compileRouteTable(state_, {});
        QVERIFY(table_);
    }

    void sameAsCli_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("headers");
        QTest::addColumn<QString>("cookies");
        QTest::addColumn<QStringList>("cliArgs");
        QTest::newRow("shop api orders") << "https://shop.example.com/api/v2/orders"
                                         << ""
                                         << "" << QStringList{"--url", "https://shop.example.com/api/v2/orders"};
        QTest::newRow("shop home") << "https://shop.example.com/"
                                   << ""
                                   << "" << QStringList{"--url", "https://shop.example.com/"};
        QTest::newRow("plain http") << "http://shop.example.com/cart"
                                    << ""
                                    << "" << QStringList{"--url", "http://shop.example.com/cart"};
        QTest::newRow("unknown host") << "https://nowhere.example.org/x"
                                      << ""
                                      << "" << QStringList{"--url", "https://nowhere.example.org/x"};
        QTest::newRow("canary header") << "https://shop.example.com/api/v2/orders"
                                       << "X-Canary: always"
                                       << ""
                                       << QStringList{"--url", "https://shop.example.com/api/v2/orders", "-H",
                                                      "X-Canary: always"};
        QTest::newRow("host header and cookie")
            << "https://203.0.113.1/"
            << "Host: blog.example.com"
            << "session=abc"
            << QStringList{"--url", "https://203.0.113.1/", "-H", "Host: blog.example.com", "--cookie", "session=abc"};
    }
    void sameAsCli() {
        QFETCH(QString, url);
        QFETCH(QString, headers);
        QFETCH(QString, cookies);
        QFETCH(QStringList, cliArgs);
        gui::RequestPanel panel;
        panel.setTable(table_);
        panel.setUrl(url);
        panel.setHeaders(headers);
        panel.setCookies(cookies);
        QSignalSpy ready(&panel, &gui::RequestPanel::decisionReady);
        // Enter in the URL field routes, as a user would do it.
        auto* edit = panel.findChild<QLineEdit*>(QStringLiteral("requestUrl"));
        QVERIFY(edit);
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(ready.count(), 1);
        QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
        std::vector<std::string> args;
        for (const QString& a : cliArgs) args.push_back(a.toStdString());
        const std::string expected = cliJson(args);
        const std::string actual = sim::decisionJson(panel.decision(), true) + "\n";
        QVERIFY2(actual == expected, ("panel:\n" + actual + "cli:\n" + expected).c_str());

        // The summary line and the hop tree say the same.
        const sim::Decision& d = panel.decision();
        QVERIFY2(panel.outcomeText().contains(QString::fromStdString(gui::outcomeSummary(d)).toHtmlEscaped()),
                 qPrintable(panel.outcomeText()));
        QTreeWidget* hops = panel.hopsTree();
        QCOMPARE(hops->topLevelItemCount(), static_cast<int>(d.hops.size()));
        for (int i = 0; i < hops->topLevelItemCount(); ++i) {
            const sim::Hop& h = d.hops[i];
            QTreeWidgetItem* item = hops->topLevelItem(i);
            QVERIFY2(item->text(0).endsWith(QString::fromUtf8(sim::stageName(h.stage))), qPrintable(item->text(0)));
            QCOMPARE(item->text(1), QString::fromStdString(h.decision));
            QCOMPARE(item->text(2), QString::fromStdString(h.reason));
            const int notes = h.departure.empty() ? 0 : 1;
            QCOMPARE(item->childCount(), static_cast<int>(h.rejected.size()) + notes);
            for (std::size_t r = 0; r < h.rejected.size(); ++r) {
                QCOMPARE(item->child(static_cast<int>(r) + notes)->text(1), QString::fromStdString(h.rejected[r].what));
                QCOMPARE(item->child(static_cast<int>(r) + notes)->text(2), QString::fromStdString(h.rejected[r].why));
            }
        }
    }

    void demoUrlIsInteresting() {
        // The prefilled URL must show something worth seeing: several hops and a rejected candidate.
        gui::RequestPanel panel;
        panel.setTable(table_);
        panel.setUrl(QStringLiteral("https://shop.example.com/api/v2/orders"));
        panel.route();
        QVERIFY(panel.hasDecision());
        QVERIFY2(panel.decision().hops.size() >= 3, qPrintable(QString::number(panel.decision().hops.size())));
    }

    void hopClickEmitsIndex() {
        gui::RequestPanel panel;
        panel.setTable(table_);
        panel.setUrl(QStringLiteral("https://shop.example.com/api/v2/orders"));
        panel.route();
        QSignalSpy chosen(&panel, &gui::RequestPanel::hopChosen);
        QTreeWidget* hops = panel.hopsTree();
        QVERIFY(hops->topLevelItemCount() >= 2);
        emit hops->itemClicked(hops->topLevelItem(1), 0);
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.at(0).at(1).toInt(), 1);
    }

    void badInputExplains_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("headers");
        QTest::addColumn<QString>("cookies");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty url") << ""
                                   << ""
                                   << ""
                                   << "URL";
        QTest::newRow("space in url") << "https://shop.example.com/a b"
                                      << ""
                                      << ""
                                      << "URL";
        QTest::newRow("header without colon") << "https://shop.example.com/"
                                              << "X-Canary always"
                                              << ""
                                              << "Header line 1";
        QTest::newRow("cookie without =") << "https://shop.example.com/"
                                          << ""
                                          << "session"
                                          << "Cookie";
    }
    void badInputExplains() {
        QFETCH(QString, url);
        QFETCH(QString, headers);
        QFETCH(QString, cookies);
        QFETCH(QString, mentions);
        gui::RequestPanel panel;
        panel.setTable(table_);
        panel.setUrl(url);
        panel.setHeaders(headers);
        panel.setCookies(cookies);
        QSignalSpy ready(&panel, &gui::RequestPanel::decisionReady);
        panel.route();
        QCOMPARE(ready.count(), 0);
        QVERIFY2(panel.errorText().contains(mentions), qPrintable(panel.errorText()));
    }

    void newTableRoutesAgain() {
        // An answer shown must belong to the table shown: a profile switch re-routes.
        gui::RequestPanel panel;
        panel.setTable(table_);
        panel.setUrl(QStringLiteral("https://shop.example.com/api/v2/orders"));
        panel.route();
        QCOMPARE(QString::fromStdString(panel.decision().profile), QStringLiteral("ingress-nginx"));
        QSignalSpy ready(&panel, &gui::RequestPanel::decisionReady);
        sim::ProfileOptions spec;
        spec.profile = sim::Profile::Spec;
        panel.setTable(sim::compileRouteTable(state_, spec));
        QCOMPARE(ready.count(), 1);
        QCOMPARE(QString::fromStdString(panel.decision().profile), QStringLiteral("spec"));
    }
};

QTEST_MAIN(TestRequestPanel)
#include "tst_request_panel.moc"
