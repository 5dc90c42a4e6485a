#pragma once
// "Where does this request go?": URL, method, headers, cookies and client address in; the
// outcome and every hop (stage, decision, reason, rejected candidates with why) out. The panel
// routes through a RouteSession of the current table (seed 1, like `hopscope-cli route`); a new
// table starts a new session. Parsing lives in request_form.h, routing in the engine.

#include "simulator/decision.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace hs::sim {
class RouteTable;
class RouteSession;
}  // namespace hs::sim

namespace hs::gui {

class RequestPanel : public QWidget {
    Q_OBJECT
public:
    explicit RequestPanel(QWidget* parent = nullptr);
    ~RequestPanel() override;

    void setTable(std::shared_ptr<const hs::sim::RouteTable> table);
    void setUrl(const QString& url);
    QString url() const;
    void setMethod(const QString& method);
    void setHeaders(const QString& lines);  // "Name: value" per line
    void setCookies(const QString& cookies);
    void setClientIP(const QString& ip);
    void focusUrl();  // Ctrl+L

    bool hasDecision() const { return hasDecision_; }
    const hs::sim::Decision& decision() const { return decision_; }  // the last one routed
    QString outcomeText() const;
    QString errorText() const;  // why the last attempt could not route ("" when it did)
    QTreeWidget* hopsTree() const { return hops_; }

public slots:
    void route();  // Enter in any field

signals:
    void decisionReady(const hs::sim::Decision& d);  // the graph lights the route up
    void hopChosen(const hs::sim::Decision& d, int hopIndex);  // a hop clicked in the tree
    void cleared();  // the input changed to something that cannot route

private:
    void showDecision();
    void hopClicked(QTreeWidgetItem* item);

    std::shared_ptr<const hs::sim::RouteTable> table_;
    std::unique_ptr<hs::sim::RouteSession> session_;
    hs::sim::Decision decision_;
    bool hasDecision_ = false;
    QLineEdit* url_ = nullptr;
    QComboBox* method_ = nullptr;
    QPlainTextEdit* headers_ = nullptr;
    QLineEdit* cookies_ = nullptr;
    QLineEdit* clientIP_ = nullptr;
    QLabel* outcome_ = nullptr;
    QLabel* error_ = nullptr;
    QTreeWidget* hops_ = nullptr;
};

}  // namespace hs::gui
