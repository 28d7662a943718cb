#pragma once
// The main window: the views over one workspace, menus and shortcuts, recent files, drag
// and drop, QSettings between runs, the unsaved-changes prompt on close.

#include <QMainWindow>
#include <QStringList>

class QAction;
class QMimeData;
class QLabel;
class QMenu;
class QSettings;
class QTabWidget;

namespace llamascope::gui {

class ChartsView;
class CompareModel;
class CompareProxy;
class CompareView;
class DesignerDocument;
class DesignerView;
class FindingsModel;
class ForwardRunner;
class ForwardView;
class PlanView;
class ScalingView;
class ValidateView;
class Workspace;

struct MainWindowOptions {
    bool persistSettings = true; ///< read and write QSettings (off for screenshots)
    bool bundledFamily = true;   ///< open the bundled family on start (unless settings say otherwise)
};

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    enum class View {
        Compare = 0,
        Charts = 1,
        Designer = 2,
        Validate = 3,
        Forward = 4,
        Plan = 5,
        Scaling = 6
    };

    explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens files or folders into the workspace (Compare, Charts, Validate) and remembers them.
    void openPaths(const QStringList& paths);
    void showView(View view);
    /// What a drop does: files and folders join the workspace; one file dropped on the
    /// designer opens there. False when the data holds no local file.
    bool acceptDrop(const QMimeData* mime);
    static bool canAcceptDrop(const QMimeData* mime);
    [[nodiscard]] View currentView() const;
    /// "compare", "charts", "designer", "validate", "forward", "plan", "scaling"; nullopt-like -1 if unknown.
    static int viewFromName(const QString& name);

    [[nodiscard]] QStringList recentFiles() const { return recent_; }

    [[nodiscard]] Workspace* workspace() const { return workspace_; }
    [[nodiscard]] CompareModel* compareModel() const { return compareModel_; }
    [[nodiscard]] CompareProxy* compareProxy() const { return proxy_; }
    [[nodiscard]] FindingsModel* findingsModel() const { return findings_; }
    [[nodiscard]] DesignerDocument* designerDocument() const { return document_; }
    [[nodiscard]] ForwardRunner* forwardRunner() const { return runner_; }
    [[nodiscard]] CompareView* compareView() const { return compareView_; }
    [[nodiscard]] ChartsView* chartsView() const { return chartsView_; }
    [[nodiscard]] DesignerView* designerView() const { return designerView_; }
    [[nodiscard]] ValidateView* validateView() const { return validateView_; }
    [[nodiscard]] ForwardView* forwardView() const { return forwardView_; }
    [[nodiscard]] PlanView* planView() const { return planView_; }
    [[nodiscard]] ScalingView* scalingView() const { return scalingView_; }

    void saveSettings();
    /// A transient message in the status bar.
    void showStatus(const QString& text);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildMenus();
    void restoreSettings();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void updateTitle();
    void updateDraft();
    void openInDesigner(const QString& path, const QString& label, const QString& pointer);
    void keepOnScreen();
    void showShortcuts();
    void showAbout();

    MainWindowOptions options_;
    Workspace* workspace_;
    CompareModel* compareModel_;
    CompareProxy* proxy_;
    FindingsModel* findings_;
    DesignerDocument* document_;
    ForwardRunner* runner_;
    QTabWidget* tabs_;
    CompareView* compareView_;
    ChartsView* chartsView_;
    DesignerView* designerView_;
    ValidateView* validateView_;
    ForwardView* forwardView_;
    PlanView* planView_ = nullptr;
    ScalingView* scalingView_ = nullptr;
    QLabel* counts_;
    QMenu* recentMenu_ = nullptr;
    QAction* showDraft_ = nullptr;
    QAction* bundled_ = nullptr;
    QAction* watch_ = nullptr;
    QStringList recent_;
    bool placed_ = false; ///< keepOnScreen() ran once the window frame was known
};

} // namespace llamascope::gui
