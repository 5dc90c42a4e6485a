#pragma once
// The what-if panel: edit the baseline's manifests as YAML (seeded with model::writeManifests of
// the baseline, or opened from a file), validated as you type (debounced, off the GUI thread, with
// the model's in-memory loader: located diagnostics listed and underlined), or pick another
// controller profile (ingress-nginx → gateway-api); Compare runs simulator/replay/diff.h over a
// trace in the background and lists the changed requests grouped by change. Selecting a group
// asks the graph to highlight what moved and shows an example request's route. Nothing is ever
// applied to a cluster: edits stay in the editor until saved to a file.

#include "model/cluster_state.h"
#include "model/diagnostic.h"
#include "simulator/decision.h"
#include "simulator/replay/diff.h"
#include "simulator/route_table.h"

#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTimer;
class QTreeWidget;

namespace hs::gui {

class YamlEditor;

// What Compare found: the engine's report, plus each example request explained on both sides.
struct WhatIfComparison {
    std::shared_ptr<const replay::DiffReport> report;
    struct Example {
        sim::Decision before, after;  // explained (hops), same choice key as the diff
        bool found = false;  // the example's line was read again from the trace
    };
    std::vector<std::vector<Example>> examples;  // [group][example]
    std::vector<QStringList> movedNodes;  // [group] graph node ids on either side
    std::string error;  // why it could not run
};

// The result of validating the editor's text (on a worker thread).
struct WhatIfValidation {
    model::Diagnostics diagnostics;
    std::shared_ptr<const model::ClusterState> state;
    std::shared_ptr<const sim::RouteTable> table;  // compiled with the baseline's profile
    std::size_t errors = 0;
};

class WhatIfPanel : public QWidget {
    Q_OBJECT
public:
    enum class Mode { EditedManifests, OtherProfile };
    static constexpr int kValidateDelayMs = 300;

    explicit WhatIfPanel(QWidget* parent = nullptr);
    ~WhatIfPanel() override;  // cancels a running comparison and waits for background work
    void setBaseline(std::shared_ptr<const hs::model::ClusterState> state, const hs::sim::ProfileOptions& profile);
    void setTraceFile(const QString& path);

    // Extras for the shell and tests (all GUI thread).
    void setMode(Mode mode);
    void setOtherProfile(sim::Profile profile);
    void setSeed(quint64 seed);
    YamlEditor* editor() const { return editor_; }
    // Loads a manifest file — or every manifest file of a folder, each after a `# file:` comment —
    // into the editor (validation follows). Saves the editor's text with
    // QSaveFile: a failed write keeps the old file.
    bool openManifests(const QString& path, QString* error = nullptr);
    bool saveManifests(const QString& path, QString* error = nullptr) const;
    // The last validation of the editor's text ("line:col: message" in diagnosticTexts()).
    const WhatIfValidation& validation() const { return validation_; }
    QStringList diagnosticTexts() const;
    bool isValidating() const;
    bool isComparing() const { return comparing_; }
    const WhatIfComparison& comparison() const { return comparison_; }
    QTreeWidget* changes() const { return changes_; }  // groups, with example requests as children

public slots:
    void compare();
    void cancelCompare();

signals:
    void candidateChanged(std::shared_ptr<const hs::sim::RouteTable> after);  // edited config, compiled
    void highlightRequested(const QStringList& graphNodeIds);  // what moved
    void decisionChosen(const hs::sim::Decision& d);
    void validated(int errors);  // after each validation of the editor's text
    void compared(bool completed);  // Compare finished (false: cancelled or failed)

private:
    void validateNow();
    void onValidated();
    void onCompared();
    void showComparison();
    void changeSelected();
    void updateControls();
    std::shared_ptr<const sim::RouteTable> baselineTable() const;

    std::shared_ptr<const model::ClusterState> baseline_;
    sim::ProfileOptions profile_;
    mutable std::shared_ptr<const sim::RouteTable> baselineTable_;
    WhatIfValidation validation_;
    WhatIfComparison comparison_;
    quint64 validationGen_ = 0, validatingGen_ = 0, pendingGen_ = 0;  // shown, running, latest asked
    bool compareAfterValidation_ = false;
    bool comparing_ = false;
    bool settingText_ = false;
    std::shared_ptr<std::atomic<bool>> cancel_;
    QFutureWatcher<WhatIfValidation> validating_;
    QFutureWatcher<WhatIfComparison> comparingWatcher_;
    QTimer* debounce_ = nullptr;

    QLabel* baselineLabel_ = nullptr;
    QRadioButton* editedMode_ = nullptr;
    QRadioButton* profileMode_ = nullptr;
    QComboBox* otherProfile_ = nullptr;
    YamlEditor* editor_ = nullptr;
    QListWidget* diagnostics_ = nullptr;
    QLabel* validity_ = nullptr;
    QLineEdit* trace_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QPushButton* compareButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* summary_ = nullptr;
    QTreeWidget* changes_ = nullptr;
};

}  // namespace hs::gui
