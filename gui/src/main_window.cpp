#include "llamascope/gui/main_window.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/gui/background_task.hpp"
#include "llamascope/gui/charts_view.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/compare_view.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/designer_view.hpp"
#include "llamascope/gui/document_actions.hpp"
#include "llamascope/gui/findings_model.hpp"
#include "llamascope/gui/fit_dialog.hpp"
#include "llamascope/gui/forward_runner.hpp"
#include "llamascope/gui/forward_view.hpp"
#include "llamascope/gui/plan_view.hpp"
#include "llamascope/gui/scaling_view.hpp"
#include "llamascope/gui/validate_view.hpp"
#include "llamascope/gui/workspace.hpp"
#include "text.hpp"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUndoStack>

namespace llamascope::gui {
namespace {

constexpr int kMaxRecent = 12;
constexpr int kStatusMs = 6000;

const std::array<const char*, 7> kViewNames = {"compare", "charts", "designer", "validate",
                                               "forward", "plan",   "scaling"};

} // namespace

MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent), options_(options), workspace_(new Workspace(this)),
      compareModel_(new CompareModel(this)), proxy_(new CompareProxy(this)),
      findings_(new FindingsModel(this)), document_(new DesignerDocument(this)),
      runner_(new ForwardRunner(this)), tabs_(new QTabWidget(this))
{
    setWindowTitle(QStringLiteral("llamascope"));
    setAcceptDrops(true);
    compareModel_->setWorkspace(workspace_);
    proxy_->setSourceModel(compareModel_);
    findings_->setWorkspace(workspace_);

    compareView_ = new CompareView(compareModel_, proxy_, workspace_, tabs_);
    chartsView_ = new ChartsView(proxy_, tabs_);
    // Rows selected in Compare are highlighted in every chart.
    chartsView_->setSelectionModel(compareView_->selectionModel());
    designerView_ = new DesignerView(document_, tabs_);
    validateView_ = new ValidateView(workspace_, findings_, tabs_);
    forwardView_ = new ForwardView(compareModel_, runner_, tabs_);
    tabs_->addTab(compareView_, QStringLiteral("Compare"));
    tabs_->addTab(chartsView_, QStringLiteral("Charts"));
    tabs_->addTab(designerView_, QStringLiteral("Designer"));
    tabs_->addTab(validateView_, QStringLiteral("Validate"));
    tabs_->addTab(forwardView_, QStringLiteral("Forward"));
    planView_ = new PlanView(compareModel_, tabs_);
    // Choosing a row in Compare plans that model.
    planView_->followSelection(compareView_->selectionModel());
    tabs_->addTab(planView_, QStringLiteral("Plan"));
    scalingView_ = new ScalingView(compareModel_, document_, tabs_);
    scalingView_->setSelectionModel(compareView_->selectionModel());
    tabs_->addTab(scalingView_, QStringLiteral("Scaling"));
    for (int i = 0; i < tabs_->count(); ++i)
        tabs_->setTabToolTip(i, QStringLiteral("Ctrl+%1").arg(i + 1));
    setCentralWidget(tabs_);

    counts_ = new QLabel(this);
    statusBar()->addPermanentWidget(counts_);
    connect(compareView_, &CompareView::statusMessage, this, &MainWindow::showStatus);
    connect(chartsView_, &ChartsView::statusMessage, this, &MainWindow::showStatus);
    connect(designerView_, &DesignerView::statusMessage, this, &MainWindow::showStatus);
    connect(validateView_, &ValidateView::statusMessage, this, &MainWindow::showStatus);
    connect(forwardView_, &ForwardView::statusMessage, this, &MainWindow::showStatus);
    connect(planView_, &PlanView::statusMessage, this, &MainWindow::showStatus);
    connect(scalingView_, &ScalingView::statusMessage, this, &MainWindow::showStatus);

    connect(compareView_, &CompareView::openInDesigner, this, [this](int source) {
        if (source < 0) {
            showView(View::Designer);
            return;
        }
        const ConfigSource& s = workspace_->sources().at(static_cast<std::size_t>(source));
        openInDesigner(s.path, s.label, QString());
    });
    connect(validateView_, &ValidateView::openInDesigner, this, &MainWindow::openInDesigner);
    connect(validateView_, &ValidateView::filesOpened, this, &MainWindow::openPaths);
    connect(designerView_, &DesignerView::fileUsed, this, &MainWindow::addRecent);
    connect(document_, &DesignerDocument::validated, this, &MainWindow::updateDraft);
    connect(document_, &DesignerDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(document_, &DesignerDocument::filePathChanged, this, &MainWindow::updateTitle);
    connect(workspace_, &Workspace::changed, this, [this] {
        counts_->setText(workspace_->countsText());
        // The designer's draft row goes away on a model reset; put it back.
        updateDraft();
    });

    buildMenus();
    restoreSettings();
    if (options_.bundledFamily && (!options_.persistSettings || bundled_->isChecked()))
        workspace_->addBundledFamily();
    bundled_->setChecked(workspace_->hasBundledFamily());
    updateDraft();
    updateTitle();
}

MainWindow::~MainWindow() = default;

int MainWindow::viewFromName(const QString& name)
{
    for (std::size_t i = 0; i < kViewNames.size(); ++i)
        if (name == QLatin1String(kViewNames[i]))
            return static_cast<int>(i);
    return -1;
}

void MainWindow::buildMenus()
{
    DocumentActions* doc = designerView_->actions();
    // The designer's own actions: one shortcut each, whichever view has the focus.
    for (QAction* a : {doc->newAction(), doc->openAction(), doc->fitAction()})
        connect(a, &QAction::triggered, this, [this] { showView(View::Designer); });
    QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(doc->newAction());
    QMenu* fromBundled = file->addMenu(QStringLiteral("New from &bundled"));
    for (std::string_view name : bundledNames()) {
        const QString n = qs(name);
        fromBundled->addAction(n, this, [this, n] {
            if (designerView_->openBundled(n))
                showView(View::Designer);
        });
    }
    file->addSeparator();
    file->addAction(QStringLiteral("&Open files…"), QKeySequence::Open, this, [this] {
        const QStringList files =
            QFileDialog::getOpenFileNames(this, QStringLiteral("Open config files"), QString(),
                                          QStringLiteral("Config files (*.json);;All files (*)"));
        if (!files.isEmpty())
            openPaths(files);
    });
    file->addAction(
        QStringLiteral("Open &folder…"), QKeySequence(QStringLiteral("Ctrl+Shift+O")), this, [this] {
            const QString dir =
                QFileDialog::getExistingDirectory(this, QStringLiteral("Open a folder of configs"));
            if (!dir.isEmpty())
                openPaths({dir});
        });
    file->addAction(doc->openAction());
    file->addAction(QStringLiteral("Open r&uns table…"), this, [this] {
        showView(View::Scaling);
        scalingView_->openRunsDialog();
    });
    recentMenu_ = file->addMenu(QStringLiteral("Open &recent"));
    file->addSeparator();
    file->addAction(doc->saveAction());
    file->addAction(doc->saveAsAction());
    file->addSeparator();
    file->addAction(QStringLiteral("&Export comparison…"), QKeySequence(QStringLiteral("Ctrl+E")), this,
                    [this] { compareView_->exportTable(); });
    file->addAction(QStringLiteral("Export chart as &PNG…"), QKeySequence(QStringLiteral("Ctrl+Shift+P")),
                    this, [this] {
                        if (currentView() == View::Scaling) // the Scaling view's chart
                            return scalingView_->exportDialog(false);
                        showView(View::Charts);
                        chartsView_->exportCurrent(false);
                    });
    file->addAction(QStringLiteral("Export chart as S&VG…"), QKeySequence(QStringLiteral("Ctrl+Shift+G")),
                    this, [this] {
                        if (currentView() == View::Scaling) // the Scaling view's chart
                            return scalingView_->exportDialog(true);
                        showView(View::Charts);
                        chartsView_->exportCurrent(true);
                    });
    file->addSeparator();
    bundled_ = file->addAction(QStringLiteral("Show the &bundled family"));
    bundled_->setCheckable(true);
    bundled_->setChecked(true);
    connect(bundled_, &QAction::triggered, this, [this](bool on) {
        if (on)
            workspace_->addBundledFamily();
        else
            workspace_->removeBundledFamily();
    });
    file->addAction(QStringLiteral("Close all opened files"), this, [this] {
        const bool bundled = workspace_->hasBundledFamily();
        workspace_->clear();
        if (bundled)
            workspace_->addBundledFamily();
    });
    file->addSeparator();
    file->addAction(QStringLiteral("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(QStringLiteral("&Edit"));
    edit->addAction(doc->undoAction());
    edit->addAction(doc->redoAction());
    edit->addSeparator();
    edit->addAction(QStringLiteral("Copy table as &CSV"), QKeySequence(QStringLiteral("Ctrl+Shift+C")), this,
                    [this] {
                        if (currentView() == View::Validate)
                            validateView_->copyFindings(false);
                        else
                            compareView_->copyCsv();
                    });
    edit->addAction(QStringLiteral("Copy table as &Markdown"), QKeySequence(QStringLiteral("Ctrl+Shift+M")),
                    this, [this] {
                        if (currentView() == View::Validate)
                            validateView_->copyFindings(true);
                        else
                            compareView_->copyMarkdown();
                    });
    edit->addAction(QStringLiteral("&Filter configs"), QKeySequence::Find, this, [this] {
        showView(View::Compare);
        compareView_->focusFilter();
    });

    QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
    const std::array<const char*, 7> titles = {"&Compare", "C&harts", "&Designer", "&Validate",
                                               "&Forward", "&Plan",   "&Scaling"};
    for (int i = 0; i < static_cast<int>(titles.size()); ++i)
        view->addAction(QString::fromLatin1(titles[static_cast<std::size_t>(i)]),
                        QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)), this,
                        [this, i] { showView(static_cast<View>(i)); });
    view->addSeparator();
    showDraft_ =
        view->addAction(QStringLiteral("Show the designer's edited draft in Compare, Charts and Forward"));
    showDraft_->setCheckable(true);
    showDraft_->setChecked(true);
    connect(showDraft_, &QAction::toggled, this, &MainWindow::updateDraft);
    watch_ = view->addAction(QStringLiteral("Re-validate opened files when they change on disk"));
    watch_->setCheckable(true);
    watch_->setChecked(true);
    connect(watch_, &QAction::toggled, workspace_, &Workspace::setWatching);

    QMenu* run = menuBar()->addMenu(QStringLiteral("&Run"));
    run->addAction(QStringLiteral("&Run forward pass"), QKeySequence(QStringLiteral("Ctrl+R")), this, [this] {
        showView(View::Forward);
        forwardView_->run();
    });
    QAction* cancel =
        run->addAction(QStringLiteral("&Cancel forward pass"), QKeySequence(Qt::Key_Escape), this, [this] {
            forwardView_->cancel();
            scalingView_->cancelFit();
        });
    cancel->setShortcutContext(Qt::WindowShortcut);
    run->addAction(doc->fitAction());

    QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(QStringLiteral("&Keyboard shortcuts"), QKeySequence::HelpContents, this,
                    &MainWindow::showShortcuts);
    help->addAction(QStringLiteral("&About llamascope"), this, &MainWindow::showAbout);
}

void MainWindow::showStatus(const QString& text)
{
    statusBar()->showMessage(text, kStatusMs);
}

void MainWindow::openPaths(const QStringList& paths)
{
    const OpenSummary summary = workspace_->open(paths);
    for (const QString& p : paths)
        addRecent(QFileInfo(p).absoluteFilePath());
    showStatus(summary.describe());
    // Files with errors do not appear in Compare: say where they are.
    if (summary.withErrors > 0 || summary.unreadable > 0) {
        showView(View::Validate);
        for (const QString& f : summary.files) {
            const int i = workspace_->indexOfPath(f);
            if (i >= 0 && !workspace_->sources()[static_cast<std::size_t>(i)].usable()) {
                validateView_->revealFile(f);
                break;
            }
        }
    }
}

void MainWindow::openInDesigner(const QString& path, const QString& label, const QString& pointer)
{
    const bool ok = path.isEmpty() ? designerView_->openBundled(label) : designerView_->openFile(path);
    if (ok) {
        showView(View::Designer);
        // A finding's field (now that the view is shown, so focus can land); no pointer: the
        // file itself was asked for, and the form stays as it is.
        if (!pointer.isNull())
            designerView_->focusField(pointer);
    }
}

void MainWindow::showView(View view)
{
    tabs_->setCurrentIndex(static_cast<int>(view));
}

MainWindow::View MainWindow::currentView() const
{
    return static_cast<View>(std::max(0, tabs_->currentIndex()));
}

void MainWindow::updateDraft()
{
    // The draft joins the other views only once it has been edited (an unedited copy of a
    // bundled config or file would be a duplicate row), labelled once, here.
    const bool show = document_->isModified() && (showDraft_ == nullptr || showDraft_->isChecked());
    if (show && document_->analysis()) {
        Analysis draft = *document_->analysis();
        draft.config.name += " (draft)";
        compareModel_->setDraft(draft);
    } else {
        compareModel_->setDraft(std::nullopt);
    }
}

void MainWindow::updateTitle()
{
    setWindowTitle(QStringLiteral("%1[*] — llamascope").arg(document_->fileName()));
    setWindowModified(document_->isModified());
    updateDraft();
}

void MainWindow::addRecent(const QString& path)
{
    if (path.isEmpty())
        return;
    recent_.removeAll(path);
    recent_.prepend(path);
    while (recent_.size() > kMaxRecent)
        recent_.removeLast();
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    recentMenu_->clear();
    for (const QString& path : recent_) {
        const QFileInfo info(path);
        QAction* a =
            recentMenu_->addAction(info.isDir() ? path + QStringLiteral("/") : path, this, [this, path] {
                if (QFileInfo(path).isFile() && currentView() == View::Designer)
                    openInDesigner(path, QString(), QString());
                else
                    openPaths({path});
            });
        a->setEnabled(info.exists());
    }
    if (!recent_.isEmpty()) {
        recentMenu_->addSeparator();
        recentMenu_->addAction(QStringLiteral("Clear recent"), this, [this] {
            recent_.clear();
            rebuildRecentMenu();
        });
    }
    recentMenu_->setEnabled(!recent_.isEmpty());
}

bool MainWindow::canAcceptDrop(const QMimeData* mime)
{
    if (mime == nullptr || !mime->hasUrls())
        return false;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile())
            return true;
    return false;
}

bool MainWindow::acceptDrop(const QMimeData* mime)
{
    if (!canAcceptDrop(mime))
        return false;
    QStringList paths;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    // A runs table dropped on the Scaling view opens there.
    if (currentView() == View::Scaling && paths.size() == 1 && QFileInfo(paths.front()).isFile() &&
        QFileInfo(paths.front()).suffix().toLower() != QLatin1String("json")) {
        scalingView_->openRuns(paths.front());
        return true;
    }
    // One file dropped on the designer opens there; anything else joins the workspace.
    if (currentView() == View::Designer && paths.size() == 1 && QFileInfo(paths.front()).isFile()) {
        openInDesigner(paths.front(), QString(), QString());
        addRecent(QFileInfo(paths.front()).absoluteFilePath());
        return true;
    }
    openPaths(paths);
    return true;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (canAcceptDrop(event->mimeData()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    if (acceptDrop(event->mimeData()))
        event->acceptProposedAction();
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    // The window manager's frame is known only once the window is shown: fit it again then.
    if (!placed_ && options_.persistSettings) {
        placed_ = true;
        QTimer::singleShot(0, this, &MainWindow::keepOnScreen);
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!designerView_->maybeSave()) {
        event->ignore();
        return;
    }
    if (runner_->isRunning()) {
        runner_->cancel();
        runner_->task()->wait(30000);
    }
    if (planView_->isSearching())
        planView_->cancelAndWait(30000);
    if (scalingView_->isFitting()) {
        scalingView_->cancelFit();
        scalingView_->waitForFit(30000);
    }
    saveSettings();
    event->accept();
}

void MainWindow::saveSettings()
{
    if (!options_.persistSettings)
        return;
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/view"), tabs_->currentIndex());
    s.setValue(QStringLiteral("recentFiles"), recent_);
    s.setValue(QStringLiteral("showDraft"), showDraft_->isChecked());
    s.setValue(QStringLiteral("watchFiles"), watch_->isChecked());
    s.setValue(QStringLiteral("bundledFamily"), workspace_->hasBundledFamily());
    compareView_->saveSettings(s);
    chartsView_->saveSettings(s);
    designerView_->saveSettings(s);
    validateView_->saveSettings(s);
    forwardView_->saveSettings(s);
    planView_->saveSettings(s);
    scalingView_->saveSettings(s);
}

void MainWindow::restoreSettings()
{
    // A sensible first size: most of the screen, capped for large monitors.
    if (const QScreen* screen = QApplication::primaryScreen()) {
        const QRect avail = screen->availableGeometry();
        resize(std::min(1500, avail.width() * 9 / 10), std::min(950, avail.height() * 9 / 10));
    } else {
        resize(1400, 900);
    }
    if (!options_.persistSettings) {
        rebuildRecentMenu();
        return;
    }
    const QSettings s;
    if (s.contains(QStringLiteral("window/geometry"))) {
        restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
        keepOnScreen();
    }
    if (s.contains(QStringLiteral("window/state")))
        restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    tabs_->setCurrentIndex(
        std::clamp(s.value(QStringLiteral("window/view"), 0).toInt(), 0, tabs_->count() - 1));
    recent_ = s.value(QStringLiteral("recentFiles")).toStringList();
    showDraft_->setChecked(s.value(QStringLiteral("showDraft"), true).toBool());
    watch_->setChecked(s.value(QStringLiteral("watchFiles"), true).toBool());
    bundled_->setChecked(s.value(QStringLiteral("bundledFamily"), true).toBool());
    compareView_->restoreSettings(s);
    chartsView_->restoreSettings(s);
    designerView_->restoreSettings(s);
    validateView_->restoreSettings(s);
    forwardView_->restoreSettings(s);
    planView_->restoreSettings(s);
    scalingView_->restoreSettings(s);
    rebuildRecentMenu();
}

void MainWindow::keepOnScreen()
{
    // A geometry saved on a larger monitor must not open the window past the edges of this
    // one: shrink it to the screen it lands on, then move it inside.
    const QScreen* screen = QApplication::screenAt(geometry().center());
    if (screen == nullptr)
        screen = QApplication::primaryScreen();
    if (screen == nullptr)
        return;
    const QRect avail = screen->availableGeometry();
    if (isMaximized() || isFullScreen())
        return;
    const QRect frame = frameGeometry();
    const QSize decoration = frame.size() - geometry().size();
    QSize size = geometry().size().boundedTo(avail.size() - decoration);
    size = size.expandedTo(minimumSizeHint().boundedTo(avail.size() - decoration));
    resize(size);
    QRect f = frameGeometry();
    QPoint topLeft = f.topLeft();
    topLeft.setX(
        std::clamp(topLeft.x(), avail.left(), std::max(avail.left(), avail.right() - f.width() + 1)));
    topLeft.setY(
        std::clamp(topLeft.y(), avail.top(), std::max(avail.top(), avail.bottom() - f.height() + 1)));
    move(topLeft);
}

void MainWindow::showShortcuts()
{
    QMessageBox::information(
        this, QStringLiteral("Keyboard shortcuts"),
        QStringLiteral(
            "<table>"
            "<tr><td><b>Ctrl+1 … Ctrl+7</b></td><td>Compare, Charts, Designer, Validate, Forward, "
            "Plan, Scaling</td></tr>"
            "<tr><td><b>Ctrl+O / Ctrl+Shift+O</b></td><td>Open files / a folder</td></tr>"
            "<tr><td><b>Ctrl+Shift+D</b></td><td>Open a file in the designer</td></tr>"
            "<tr><td><b>Ctrl+N</b></td><td>New config in the designer</td></tr>"
            "<tr><td><b>Ctrl+S / Ctrl+Shift+S</b></td><td>Save / Save as</td></tr>"
            "<tr><td><b>Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y)</b></td><td>Undo / redo a designer edit, also from "
            "inside a field</td></tr>"
            "<tr><td><b>Ctrl+F</b></td><td>Filter configs (Compare and Charts follow); several terms with "
            "space or |</td></tr>"
            "<tr><td><b>Ctrl+click, Shift+click</b></td><td>Select configs: 2–6 show side by side, every "
            "chart highlights them</td></tr>"
            "<tr><td><b>Ctrl+Shift+C / Ctrl+Shift+M</b></td><td>Copy the table as CSV / Markdown</td></tr>"
            "<tr><td><b>Ctrl+E</b></td><td>Export the comparison</td></tr>"
            "<tr><td><b>Ctrl+Shift+P / Ctrl+Shift+G</b></td><td>Export the chart as PNG / SVG</td></tr>"
            "<tr><td><b>Ctrl+T</b></td><td>Fit to target</td></tr>"
            "<tr><td><b>Ctrl+R / Esc</b></td><td>Run / cancel the forward pass (Esc also cancels a scaling "
            "fit)</td></tr>"
            "</table>"));
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, QStringLiteral("About llamascope"),
        QStringLiteral("<b>llamascope</b> %1<br>Validate, measure and design LLaMA-family model configs. "
                       "Every number comes from the llamascope core library; the app only shows it.")
            .arg(QApplication::applicationVersion()));
}

} // namespace llamascope::gui
