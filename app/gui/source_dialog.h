#pragma once
// "Connect to cluster…": the contexts of a kubeconfig (the default chain, $KUBECONFIG or
// ~/.kube/config, or a chosen file) with their cluster, namespace and auth method — never a
// credential — and the one to connect to. Reading a kubeconfig is a local file read; nothing is
// contacted until the window connects.

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTreeWidget;

namespace hs::gui {

class ContextDialog : public QDialog {
    Q_OBJECT
public:
    explicit ContextDialog(const QString& kubeconfig = {}, QWidget* parent = nullptr);

    QString kubeconfig() const;  // empty = the default chain
    QString context() const;  // the chosen context name
    QStringList contexts() const;  // as listed

public slots:
    void reload();

private:
    QLineEdit* file_ = nullptr;
    QTreeWidget* list_ = nullptr;
    QLabel* message_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace hs::gui
