#include "app/gui/source_dialog.h"

#include "kubeclient/kubeconfig.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace hs::gui {

ContextDialog::ContextDialog(const QString& kubeconfig, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Connect to cluster"));
    auto* intro = new QLabel(tr("Pick a kubeconfig context. Hopscope lists and watches Ingresses, Services, "
                                "EndpointSlices, Pods and Gateway API routes read-only; Secrets are never listed."),
                             this);
    intro->setWordWrap(true);
    file_ = new QLineEdit(kubeconfig, this);
    file_->setPlaceholderText(tr("$KUBECONFIG or ~/.kube/config"));
    file_->setToolTip(tr("Leave empty for the default kubeconfig chain, as kubectl reads it"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(new QLabel(tr("Kubeconfig:"), this));
    fileRow->addWidget(file_, 1);
    fileRow->addWidget(browse);
    list_ = new QTreeWidget(this);
    list_->setColumnCount(5);
    list_->setHeaderLabels({tr("Context"), tr("Cluster"), tr("Server"), tr("Namespace"), tr("Auth")});
    list_->setRootIsDecorated(false);
    list_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    message_ = new QLabel(this);
    message_->setWordWrap(true);
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(fileRow);
    layout->addWidget(list_, 1);
    layout->addWidget(message_);
    layout->addWidget(buttons_);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(list_, &QTreeWidget::itemDoubleClicked, this, &QDialog::accept);
    connect(list_, &QTreeWidget::currentItemChanged, this,
            [this] { buttons_->button(QDialogButtonBox::Ok)->setEnabled(list_->currentItem() != nullptr); });
    connect(file_, &QLineEdit::editingFinished, this, &ContextDialog::reload);
    connect(browse, &QPushButton::clicked, this, [this] {
        QString f = QFileDialog::getOpenFileName(this, tr("Kubeconfig"), file_->text());
        if (f.isEmpty()) return;
        file_->setText(f);
        reload();
    });
    resize(760, 380);
    reload();
}

QString ContextDialog::kubeconfig() const { return file_->text().trimmed(); }

QString ContextDialog::context() const { return list_->currentItem() ? list_->currentItem()->text(0) : QString(); }

QStringList ContextDialog::contexts() const {
    QStringList out;
    for (int i = 0; i < list_->topLevelItemCount(); ++i) out << list_->topLevelItem(i)->text(0);
    return out;
}

void ContextDialog::reload() {
    list_->clear();
    auto cfg = kube::loadKubeConfig(kube::LoadingRules::fromEnvironment(kubeconfig().toStdString()));
    if (!cfg) {
        message_->setText(tr("Cannot read the kubeconfig: %1").arg(QString::fromStdString(cfg.error().message)));
        buttons_->button(QDialogButtonBox::Ok)->setEnabled(false);
        return;
    }
    QTreeWidgetItem* current = nullptr;
    for (const std::string& name : cfg->contextOrder) {
        const auto it = cfg->contexts.find(name);
        if (it == cfg->contexts.end()) continue;
        const kube::ContextEntry& ctx = it->second;
        const auto cl = cfg->clusters.find(ctx.cluster);
        const auto us = cfg->users.find(ctx.user);
        auto* item = new QTreeWidgetItem(
            list_,
            {QString::fromStdString(name), QString::fromStdString(ctx.cluster),
             cl != cfg->clusters.end() ? QString::fromStdString(cl->second.server) : tr("(missing)"),
             QString::fromStdString(ctx.ns.empty() ? "default" : ctx.ns),
             us != cfg->users.end() ? QString::fromUtf8(kube::authMethodName(us->second.method())) : tr("(missing)")});
        if (name == cfg->currentContext) {
            current = item;
            QFont f = item->font(0);
            f.setBold(true);
            item->setFont(0, f);
            item->setToolTip(0, tr("current-context"));
        }
    }
    if (!current && list_->topLevelItemCount()) current = list_->topLevelItem(0);
    list_->setCurrentItem(current);
    if (list_->topLevelItemCount() == 0)
        message_->setText(cfg->files.empty() ? tr("No kubeconfig found: set KUBECONFIG or choose a file.")
                                             : tr("This kubeconfig has no contexts."));
    else
        message_->setText(cfg->warnings.empty() ? QString() : QString::fromStdString(cfg->warnings.front()));
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(current != nullptr);
}

}  // namespace hs::gui
