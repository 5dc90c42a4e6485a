#pragma once
// The main window. At this stage: the loaded cluster's objects by kind and namespace, and the
// loader's diagnostics.

#include "model/loader.h"

#include <QMainWindow>

class QTreeWidget;

namespace hs::gui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(model::LoadResult loaded, QWidget* parent = nullptr);

private:
    void populate();
    model::LoadResult loaded_;
    QTreeWidget* tree_ = nullptr;
};

}  // namespace hs::gui
