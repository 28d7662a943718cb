#pragma once
// "Fit to target": core's designer (design.hpp, issue 4) run on a worker thread with progress
// and Cancel; candidates ranked by core, applied to the designer's document as one undoable
// command or opened as a new config. Compiled to a stub when the designer is not built.

#include <QAbstractTableModel>
#include <QDialog>

#include <memory>
#include <vector>

class QComboBox;
class QLineEdit;
class QSpinBox;
class QCheckBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QStackedWidget;

namespace llamascope {
struct DesignCandidate;
}

namespace llamascope::gui {

class BackgroundTask;
class DesignerDocument;

/// True when core's designer is part of this build.
bool fitDialogAvailable();

/// The ranked candidates of one design() run.
class CandidateModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit CandidateModel(QObject* parent = nullptr);
    ~CandidateModel() override;

    void setCandidates(std::vector<DesignCandidate> candidates);
    [[nodiscard]] const DesignCandidate* candidate(int row) const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

private:
    std::vector<DesignCandidate> candidates_;
};

class FitDialog final : public QDialog {
    Q_OBJECT
public:
    explicit FitDialog(DesignerDocument* document, QWidget* parent = nullptr);
    ~FitDialog() override;

    /// Starts a search with the current inputs; false (with the reason shown) if they are bad.
    bool startSearch();
    void cancelSearch();
    [[nodiscard]] CandidateModel* candidates() const { return model_; }
    [[nodiscard]] BackgroundTask* task() const { return task_; }
    [[nodiscard]] QLineEdit* targetEdit() const { return target_; }
    /// Applies the selected (or first) candidate's shape to the document as one command.
    bool applySelected();
    /// Opens the selected (or first) candidate as a new, unsaved document.
    bool openSelected();

signals:
    void statusMessage(const QString& text);

private:
    void updateTargetHint();
    [[nodiscard]] const DesignCandidate* selected() const;

    DesignerDocument* document_;
    BackgroundTask* task_;
    CandidateModel* model_;
    QComboBox* kind_ = nullptr;
    QLineEdit* target_ = nullptr;
    QLabel* targetHint_ = nullptr;
    QComboBox* convention_ = nullptr;
    QSpinBox* flopSeq_ = nullptr;
    QComboBox* optimizer_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QSpinBox* memSeq_ = nullptr;
    QSpinBox* rank_ = nullptr;
    QLineEdit* headDims_ = nullptr;
    QComboBox* ffnRule_ = nullptr;
    QSpinBox* kvHeads_ = nullptr;
    QComboBox* tie_ = nullptr;
    QCheckBox* nlBand_ = nullptr;
    QSpinBox* vocab_ = nullptr;
    QSpinBox* context_ = nullptr;
    QPushButton* search_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QPushButton* apply_ = nullptr;
    QPushButton* openNew_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* note_ = nullptr;
    QLabel* why_ = nullptr;
    QTableView* table_ = nullptr;
};

} // namespace llamascope::gui
