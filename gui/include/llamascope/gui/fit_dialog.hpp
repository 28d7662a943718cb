#pragma once
// "Fit to target": the inputs (FitInputs), core's designer run on a worker thread with progress
// and Cancel, and the ranked candidates as core's candidates table with the full "why" of the
// selected one; a candidate is applied to the designer's document as one undoable command or
// opened as a new config.

#include "llamascope/design.hpp"

#include <QAbstractTableModel>
#include <QDialog>

#include <vector>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QLineEdit;

namespace llamascope::gui {

class BackgroundTask;
class DesignerDocument;
class FitInputs;

/// The ranked candidates of one design() run: core's candidatesTable() (without the File
/// column, which names the target and is the same for every candidate) and each candidate's
/// reason.
class CandidateModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit CandidateModel(QObject* parent = nullptr);

    void setCandidates(std::vector<DesignCandidate> candidates, DesignTargetKind kind);
    [[nodiscard]] const DesignCandidate* candidate(int row) const;
    /// Column of core's candidates table with this header ("Score", ...), -1 if none.
    [[nodiscard]] int columnOf(const QString& header) const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

private:
    [[nodiscard]] int tableColumn(int column) const; ///< -1 for the Why column

    std::vector<DesignCandidate> candidates_;
    Table table_;
    std::vector<int> columns_; ///< shown columns of table_
};

/// What the shape score means (docs/design-guide.md "Ranking"), for tooltips and the dialog.
QString shapeScoreExplanation();

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
    [[nodiscard]] QLineEdit* targetEdit() const;
    [[nodiscard]] QTableView* tableView() const { return table_; }
    /// The selected candidate's reason, in full.
    [[nodiscard]] QString whyText() const;
    /// Applies the selected (or first) candidate's shape to the document as one command; an
    /// unsaved document then suggests the candidate's file name on Save.
    bool applySelected();
    /// Opens the selected (or first) candidate as a new, unsaved document.
    bool openSelected();

signals:
    void statusMessage(const QString& text);

private:
    [[nodiscard]] const DesignCandidate* selected() const;
    void showSelected();

    DesignerDocument* document_;
    BackgroundTask* task_;
    CandidateModel* model_;
    FitInputs* inputs_;
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
