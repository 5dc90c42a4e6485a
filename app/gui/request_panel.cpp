#include "app/gui/request_panel.h"

#include "app/gui/request_form.h"
#include "simulator/route_table.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace hs::gui {

namespace {

constexpr int kHopIndexRole = Qt::UserRole + 1;

// Enter in the header box routes (Shift+Enter adds a line), like the one-line fields.
class HeaderEdit : public QPlainTextEdit {
public:
    using QPlainTextEdit::QPlainTextEdit;
    std::function<void()> onEnter;

protected:
    void keyPressEvent(QKeyEvent* e) override {
        if ((e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter) && !(e->modifiers() & Qt::ShiftModifier) &&
            onEnter) {
            onEnter();
            return;
        }
        QPlainTextEdit::keyPressEvent(e);
    }
};

QString outcomeColorName(sim::Outcome o) {
    switch (o) {
    case sim::Outcome::Routed: return QStringLiteral("#2e9d4f");
    case sim::Outcome::Redirect: return QStringLiteral("#2f7fd0");
    default: return QStringLiteral("#d0482f");
    }
}

}  // namespace

RequestPanel::RequestPanel(QWidget* parent) : QWidget(parent) {
    auto* hint = new QLabel(tr("Where does this request go? Type a URL and press Enter: every hop the controller "
                               "makes is listed below and lit up in the graph."),
                            this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);

    url_ = new QLineEdit(this);
    url_->setObjectName(QStringLiteral("requestUrl"));
    url_->setPlaceholderText(QStringLiteral("https://shop.example.com/api/v2/orders"));
    url_->setToolTip(tr("The request: scheme://host[:port]/path?query (Ctrl+L)"));
    url_->setClearButtonEnabled(true);
    method_ = new QComboBox(this);
    method_->setEditable(true);
    method_->addItems({QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"), QStringLiteral("PATCH"),
                       QStringLiteral("DELETE"), QStringLiteral("HEAD"), QStringLiteral("OPTIONS")});
    method_->setToolTip(tr("HTTP method"));
    auto* go = new QPushButton(tr("Route"), this);
    go->setIcon(QIcon(QStringLiteral(":/icons/route.svg")));
    go->setToolTip(tr("Route the request through the simulated controller (Enter)"));
    auto* urlRow = new QHBoxLayout;
    urlRow->addWidget(method_);
    urlRow->addWidget(url_, 1);
    urlRow->addWidget(go);

    auto* headers = new HeaderEdit(this);
    headers->onEnter = [this] { route(); };
    headers_ = headers;
    headers_->setPlaceholderText(tr("X-Canary: always   (one header per line)"));
    headers_->setToolTip(tr("Request headers, one \"Name: value\" per line; a Host header overrides the URL's host"));
    headers_->setFixedHeight(headers_->fontMetrics().lineSpacing() * 3 + 10);
    cookies_ = new QLineEdit(this);
    cookies_->setPlaceholderText(QStringLiteral("session=abc; canary=always"));
    cookies_->setToolTip(tr("Cookies sent with the request, name=value separated by ';'"));
    clientIP_ = new QLineEdit(this);
    clientIP_->setPlaceholderText(QStringLiteral("203.0.113.10"));
    clientIP_->setToolTip(tr("The client's address (allow-lists, rate limits, hashing by $remote_addr)"));

    auto* form = new QFormLayout;
    form->addRow(tr("Request"), urlRow);
    form->addRow(tr("&Headers"), headers_);
    form->addRow(tr("&Cookies"), cookies_);
    form->addRow(tr("Client &IP"), clientIP_);

    outcome_ = new QLabel(this);
    outcome_->setObjectName(QStringLiteral("requestOutcome"));
    outcome_->setWordWrap(true);
    outcome_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_ = new QLabel(this);
    error_->setWordWrap(true);
    error_->setVisible(false);
    {
        QPalette p = error_->palette();
        p.setColor(QPalette::WindowText, QColor(QStringLiteral("#d0482f")));
        error_->setPalette(p);
    }

    hops_ = new QTreeWidget(this);
    hops_->setObjectName(QStringLiteral("requestHops"));
    hops_->setColumnCount(3);
    hops_->setHeaderLabels({tr("Stage"), tr("Decision"), tr("Why")});
    hops_->setRootIsDecorated(true);
    hops_->setAlternatingRowColors(true);
    hops_->setWordWrap(true);
    hops_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    hops_->header()->setStretchLastSection(true);
    hops_->setColumnWidth(1, 320);
    hops_->setToolTip(
        tr("Click a hop to light the route up to it in the graph; expand it to see the candidates "
           "that lost and why"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addWidget(outcome_);
    layout->addWidget(error_);
    layout->addWidget(hops_, 1);

    connect(url_, &QLineEdit::returnPressed, this, &RequestPanel::route);
    connect(cookies_, &QLineEdit::returnPressed, this, &RequestPanel::route);
    connect(clientIP_, &QLineEdit::returnPressed, this, &RequestPanel::route);
    connect(method_->lineEdit(), &QLineEdit::returnPressed, this, &RequestPanel::route);
    connect(go, &QPushButton::clicked, this, &RequestPanel::route);
    connect(hops_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) { hopClicked(item); });
    outcome_->setText(tr("No request routed yet."));
}

RequestPanel::~RequestPanel() = default;

void RequestPanel::setTable(std::shared_ptr<const sim::RouteTable> table) {
    table_ = std::move(table);
    session_ = table_ ? table_->newSession(1) : nullptr;
    // The previous answer belonged to the previous table: route again so what is shown stays true.
    if (hasDecision_ && table_) route();
}

void RequestPanel::setUrl(const QString& url) { url_->setText(url); }
QString RequestPanel::url() const { return url_->text(); }
void RequestPanel::setMethod(const QString& method) { method_->setCurrentText(method); }
void RequestPanel::setHeaders(const QString& lines) { headers_->setPlainText(lines); }
void RequestPanel::setCookies(const QString& cookies) { cookies_->setText(cookies); }
void RequestPanel::setClientIP(const QString& ip) { clientIP_->setText(ip); }

void RequestPanel::focusUrl() {
    url_->setFocus(Qt::ShortcutFocusReason);
    url_->selectAll();
}

QString RequestPanel::outcomeText() const { return outcome_->text(); }
QString RequestPanel::errorText() const { return error_->isHidden() ? QString() : error_->text(); }

void RequestPanel::route() {
    RequestForm form;
    form.url = url_->text().toStdString();
    form.method = method_->currentText().toStdString();
    form.headers = headers_->toPlainText().toStdString();
    form.cookies = cookies_->text().toStdString();
    form.clientIP = clientIP_->text().toStdString();
    BuiltRequest built = buildRequest(form);
    if (!built.error.empty() || !session_) {
        error_->setText(built.error.empty() ? tr("Nothing to route through yet: the source is still loading.")
                                            : QString::fromStdString(built.error));
        error_->setVisible(true);
        return;
    }
    error_->setVisible(false);
    session_->route(built.request, decision_, {});
    hasDecision_ = true;
    showDecision();
    emit decisionReady(decision_);
}

void RequestPanel::showDecision() {
    const sim::Decision& d = decision_;
    outcome_->setText(QStringLiteral("<b style=\"color:%1\">→ %2</b>")
                          .arg(outcomeColorName(d.outcome), QString::fromStdString(outcomeSummary(d)).toHtmlEscaped()));
    outcome_->setToolTip(tr("Profile %1").arg(QString::fromStdString(d.profile)));
    hops_->clear();
    int index = 0;
    for (const sim::Hop& h : d.hops) {
        auto* item = new QTreeWidgetItem(hops_,
                                         {QStringLiteral("%1. %2").arg(index + 1).arg(sim::stageName(h.stage)),
                                          QString::fromStdString(h.decision), QString::fromStdString(h.reason)});
        item->setData(0, kHopIndexRole, index);
        item->setToolTip(1, QString::fromStdString(h.decision));
        item->setToolTip(2, QString::fromStdString(h.reason));
        if (!h.departure.empty()) {
            auto* note = new QTreeWidgetItem(item, {tr("note"), QString::fromStdString(h.departure)});
            note->setData(0, kHopIndexRole, index);
        }
        for (const sim::Rejected& r : h.rejected) {
            auto* child = new QTreeWidgetItem(
                item, {QStringLiteral("✗"), QString::fromStdString(r.what), QString::fromStdString(r.why)});
            child->setData(0, kHopIndexRole, index);
            child->setToolTip(2, QString::fromStdString(r.why));
            child->setForeground(0, QColor(QStringLiteral("#d0482f")));
        }
        // A few losing candidates are the "why not" a reader looks for: shown open; long lists stay folded.
        if (!h.rejected.empty() && h.rejected.size() <= 5) item->setExpanded(true);
        ++index;
    }
}

void RequestPanel::hopClicked(QTreeWidgetItem* item) {
    if (!item || !hasDecision_) return;
    bool ok = false;
    int hop = item->data(0, kHopIndexRole).toInt(&ok);
    if (ok) emit hopChosen(decision_, hop);
}

}  // namespace hs::gui
