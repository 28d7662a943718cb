// The designer: edits through commands (undo/redo, merging), editing hidden_size updates the
// metrics and the findings beside the fields, saving writes core's toHfJsonText atomically,
// broken files open read-only with line:column, and unsaved changes are asked about.

#include "llamascope/bundled.hpp"
#include "llamascope/design.hpp"
#include "llamascope/embedded.hpp"
#include "llamascope/format.hpp"
#include "llamascope/gui/background_task.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/designer_view.hpp"
#include "llamascope/gui/document_actions.hpp"
#include "llamascope/gui/field_editor.hpp"
#include "llamascope/gui/fit_dialog.hpp"
#include "llamascope/gui/main_window.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QAbstractSpinBox>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <array>
#include <utility>

namespace llamascope::gui {
namespace {

/// The config the designer should show after setting hidden_size, computed by core alone.
Analysis expectedWithHidden(const std::string& bundled, Count hidden)
{
    Json doc = Json::parse(std::string(loadBundled(bundled)->document.root->dump()));
    doc["hidden_size"] = hidden;
    const LoadResult r = loadConfigText(doc.dump(2), bundled + ".json");
    EXPECT_TRUE(r.config.has_value());
    return analyze(*r.config);
}

bool hasCode(const ValidationReport& r, const std::string& code, const std::string& pointer)
{
    for (const Finding& f : r.findings)
        if (f.codeName() == code && f.pointer == pointer)
            return true;
    return false;
}

TEST(Designer, TypingHiddenSizeUpdatesMetricsAndFindingsBesideTheField)
{
    DesignerDocument doc;
    DesignerView view(&doc);
    view.resize(1300, 800);
    view.show();
    ASSERT_TRUE(view.openBundled(QStringLiteral("llama_60m")));
    EXPECT_EQ(view.metricText("params"), QStringLiteral("58,073,600"));

    // Type into the real editor, as a user would.
    FieldEditor* editor = view.editor("hidden_size");
    ASSERT_NE(editor, nullptr);
    auto* spin = qobject_cast<QAbstractSpinBox*>(editor->input());
    ASSERT_NE(spin, nullptr);
    spin->setFocus();
    spin->selectAll();
    QTest::keyClicks(spin, QStringLiteral("500"));
    QTest::keyClick(spin, Qt::Key_Return);
    ASSERT_EQ(doc.value("hidden_size"), Json(500));

    // 500 is not divisible by 8 heads: the error sits beside the field it points at, and there
    // are no metrics for an invalid config.
    ASSERT_TRUE(hasCode(doc.result().report, "heads-not-divisible", "/num_attention_heads"));
    EXPECT_NE(view.fieldFindings("num_attention_heads").indexOf(QStringLiteral("heads-not-divisible")), -1);
    EXPECT_FALSE(doc.analysis().has_value());
    EXPECT_NE(view.statusText().indexOf(QStringLiteral("no metrics")), -1);

    // 576 is valid: the metrics are core's numbers for that config.
    spin->selectAll();
    QTest::keyClicks(spin, QStringLiteral("576"));
    QTest::keyClick(spin, Qt::Key_Return);
    ASSERT_TRUE(doc.analysis().has_value());
    const Analysis expected = expectedWithHidden("llama_60m", 576);
    EXPECT_EQ(view.metricText("params").toStdString(), formatCount(expected.params.total));
    EXPECT_EQ(view.metricText("n_per_l").toStdString(), formatFixed(expected.metrics.widthPerLayer, 2));
    EXPECT_EQ(view.fieldFindings("num_attention_heads").indexOf(QStringLiteral("heads-not-divisible")), -1);
    // 576/8 = 72 is fine, 1376/576 = 2.39 draws the FFN-ratio note beside intermediate_size.
    EXPECT_NE(view.fieldFindings("intermediate_size").indexOf(QStringLiteral("ffn-ratio")), -1);
}

// The metrics panel's line on the published shapes is core's placement of the config as it
// stands: its three nearest published neighbours and whether d/L is inside the range.
TEST(Designer, MetricsNameTheNearestPublishedShapesFromCore)
{
    DesignerDocument doc;
    DesignerView view(&doc);
    view.resize(1300, 800);
    view.show();
    ASSERT_TRUE(view.openBundled(QStringLiteral("llama_350m")));
    // llama_350m is 1024 × 24: Pythia-410M, OPT-350M and GPT-3 Medium have exactly that shape
    // (core/data/published_models.json), and ties go to the data set's earlier row.
    EXPECT_TRUE(view.publishedText().startsWith(QStringLiteral("Nearest published: Pythia-410M (1024 × 24")))
        << view.publishedText().toStdString();

    FieldEditor* editor = view.editor("hidden_size");
    ASSERT_NE(editor, nullptr);
    auto* spin = qobject_cast<QAbstractSpinBox*>(editor->input());
    ASSERT_NE(spin, nullptr);
    // Typed shapes and the data set's first row at exactly that shape (ties go to the earlier row).
    const std::array<std::pair<const char*, const char*>, 2> typedShapes = {
        std::pair{"896", "Nearest published: Qwen2.5-0.5B (896 × 24, tied, GQA 14/2)"},
        std::pair{"2048", "Nearest published: Pythia-1.4B (2048 × 24, 16 heads)"}};
    for (const auto& [typed, first] : typedShapes) {
        spin->setFocus();
        spin->selectAll();
        QTest::keyClicks(spin, QString::fromLatin1(typed));
        QTest::keyClick(spin, Qt::Key_Return);
        ASSERT_TRUE(doc.analysis().has_value()) << typed;
        const PublishedPlacement core = placeAmongPublished(doc.analysis()->config);
        ASSERT_EQ(core.nearest.size(), 3u);
        const QString line = view.publishedText();
        // The neighbours in core's order, and core's verdict on d/L.
        qsizetype at = 0;
        for (const PublishedModel* m : core.nearest) {
            const qsizetype next = line.indexOf(QString::fromStdString(m->name) + QStringLiteral(" ("), at);
            EXPECT_GT(next, at - 1) << m->name << " in " << line.toStdString();
            at = next + 1;
        }
        const QString verdict =
            isSingleValue(core.range)
                ? (core.inside ? QStringLiteral(" matches the one published value, ")
                               : QStringLiteral(" is away from the one published value, "))
                : (core.inside ? QStringLiteral(" is inside the published range ")
                               : QStringLiteral(" is outside the published range "));
        EXPECT_NE(line.indexOf(verdict + QString::fromStdString(formatBand(core.range))), -1)
            << line.toStdString();
        EXPECT_NE(line.indexOf(QStringLiteral("d/L %1").arg(
                      QString::fromStdString(formatFixed(core.widthPerLayer, 1)))),
                  -1)
            << line.toStdString();
        EXPECT_TRUE(line.startsWith(QString::fromUtf8(first))) << line.toStdString();
    }
    doc.undoStack()->setClean();
}

TEST(Designer, EditsAreUndoableCommandsAndTypingOneFieldMerges)
{
    DesignerDocument doc;
    ASSERT_TRUE(doc.newFromBundled(QStringLiteral("llama_130m")));
    QUndoStack* undo = doc.undoStack();
    EXPECT_FALSE(doc.isModified());
    doc.setField("hidden_size", Json(832));
    doc.setField("hidden_size", Json(896)); // merges with the previous edit of the same key
    doc.setField("num_hidden_layers", Json(16));
    EXPECT_EQ(undo->count(), 2);
    EXPECT_TRUE(doc.isModified());
    undo->undo();
    EXPECT_EQ(doc.value("num_hidden_layers"), Json(12));
    undo->undo();
    EXPECT_EQ(doc.value("hidden_size"), Json(768));
    EXPECT_FALSE(doc.isModified());
    // Back to the file's own text: positions are the bundled file's.
    std::string_view bundledText;
    for (const EmbeddedFile& f : bundledConfigFiles())
        if (f.name == "llama_130m")
            bundledText = f.text;
    EXPECT_EQ(doc.text().toStdString(), std::string(bundledText));
    undo->redo();
    EXPECT_EQ(doc.value("hidden_size"), Json(896));

    // Removing a key and undoing puts it back where it was.
    const std::string before = doc.root().dump();
    doc.setField("vocab_size", std::nullopt);
    EXPECT_FALSE(doc.value("vocab_size").has_value());
    EXPECT_TRUE(hasCode(doc.result().report, "missing-key", "/vocab_size"));
    undo->undo();
    EXPECT_EQ(doc.root().dump(), before);

    // Several keys in one command: one undo step.
    doc.setFields({{"hidden_size", Json(1024)}, {"num_attention_heads", Json(16)}},
                  QStringLiteral("Apply shape"));
    EXPECT_EQ(undo->undoText(), QStringLiteral("Apply shape"));
    undo->undo();
    EXPECT_EQ(doc.value("num_attention_heads"), Json(12));
}

TEST(Designer, ArrowKeysStepWidthsByMultiplesOf64)
{
    DesignerDocument doc;
    DesignerView view(&doc);
    ASSERT_TRUE(view.openBundled(QStringLiteral("llama_60m")));
    auto* spin = qobject_cast<QAbstractSpinBox*>(view.editor("hidden_size")->input());
    spin->stepBy(1);
    EXPECT_EQ(doc.value("hidden_size"), Json(576));
    auto* layers = qobject_cast<QAbstractSpinBox*>(view.editor("num_hidden_layers")->input());
    layers->stepBy(-2);
    EXPECT_EQ(doc.value("num_hidden_layers"), Json(6));
}

TEST(Designer, SavesCoresJsonAtomicallyAndTheFileValidatesTheSame)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    DesignerDocument doc;
    DesignerView view(&doc);
    ASSERT_TRUE(view.openBundled(QStringLiteral("llama_60m")));
    doc.setField("num_hidden_layers", Json(10));
    const QString path = dir.filePath(QStringLiteral("llama_70m.json"));
    view.actions()->savePathPrompt = [&path](const QString&) { return QString(path); };
    ASSERT_TRUE(view.save());
    EXPECT_FALSE(doc.isModified());
    EXPECT_EQ(doc.filePath(), path);
    const std::string written = test::readText(path);
    const LoadResult reread = loadConfigFile(path.toStdString());
    ASSERT_TRUE(reread.config.has_value());
    EXPECT_EQ(written, toHfJsonText(*reread.config)); // core's serialisation, round-tripped
    EXPECT_EQ(reread.config->numHiddenLayers, 10);
    // Key order and the family's quirks are kept: the file is the bundled one with one change.
    EXPECT_LT(written.find("\"architectures\""), written.find("\"hidden_size\""));
    EXPECT_NE(written.find("\"max_sequence_length\": 1024"), std::string::npos);
    EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files),
              QStringList{QStringLiteral("llama_70m.json")}); // no temp left
}

TEST(Designer, ABrokenFileOpensReadOnlyWithItsLineAndColumn)
{
    DesignerDocument doc;
    DesignerView view(&doc);
    ASSERT_TRUE(view.openFile(test::dataPath(QStringLiteral("invalid/missing-comma.json"))));
    EXPECT_FALSE(doc.isEditable());
    ASSERT_FALSE(doc.result().report.findings.empty());
    const Finding& f = doc.result().report.findings.front();
    EXPECT_EQ(f.codeName(), "syntax");
    EXPECT_EQ(f.pos, (SourcePos{7, 3})); // tests/data/invalid/manifest.json
    // Typing is impossible: setField does nothing on a read-only document.
    doc.setField("hidden_size", Json(768));
    EXPECT_EQ(doc.undoStack()->count(), 0);
}

TEST(Designer, UnknownKeysGetAnEditorAndTheirWarningBesideIt)
{
    DesignerDocument doc;
    DesignerView view(&doc);
    ASSERT_TRUE(view.openFile(test::dataPath(QStringLiteral("invalid/typo-num-attention-head.json"))));
    ASSERT_NE(view.editor("num_attention_head"), nullptr);
    EXPECT_NE(view.fieldFindings("num_attention_head").indexOf(QStringLiteral("num_attention_heads")), -1);
    // Fixing the typo: remove the unknown key, set the real one.
    doc.setField("num_attention_head", std::nullopt);
    EXPECT_EQ(view.editor("num_attention_head"), nullptr);
    doc.undoStack()->undo();
    EXPECT_NE(view.editor("num_attention_head"), nullptr);
}

TEST(Designer, FieldTextIsParsedByCoresStrictParser)
{
    QString error;
    bool remove = false;
    EXPECT_EQ(DesignerDocument::parseFieldText(QStringLiteral("768"), false, &error, &remove), Json(768));
    EXPECT_EQ(DesignerDocument::parseFieldText(QStringLiteral("\"768\""), false, &error, &remove),
              Json("768"));
    EXPECT_EQ(DesignerDocument::parseFieldText(QStringLiteral("silu"), false, &error, &remove), Json("silu"));
    EXPECT_EQ(DesignerDocument::parseFieldText(QStringLiteral("4.28.1"), true, &error, &remove),
              Json("4.28.1"));
    EXPECT_FALSE(
        DesignerDocument::parseFieldText(QStringLiteral("1e400"), false, &error, &remove).has_value());
    EXPECT_FALSE(error.isEmpty());
    EXPECT_FALSE(DesignerDocument::parseFieldText(QStringLiteral("  "), false, &error, &remove).has_value());
    EXPECT_TRUE(remove);
}

TEST(FitToTarget, SearchesOnAWorkerAndAppliesTheShapeAsOneUndoStep)
{
    DesignerDocument doc;
    ASSERT_TRUE(doc.newFromBundled(QStringLiteral("llama_60m")));
    FitDialog dialog(&doc);
    QAbstractItemModelTester tester(dialog.candidates(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    dialog.targetEdit()->setText(QStringLiteral("100M"));
    QSignalSpy finished(dialog.task(), &BackgroundTask::finished);
    ASSERT_TRUE(dialog.startSearch());
    ASSERT_TRUE(finished.wait(test::kWaitMs));
    test::settle();
    CandidateModel* model = dialog.candidates();
    ASSERT_GT(model->rowCount(), 0);
    const DesignCandidate* best = model->candidate(0);
    ASSERT_NE(best, nullptr);
    // Core's candidates table, rank first; the file name (the same for all) is said once.
    EXPECT_EQ(model->index(0, 0).data().toString(), QStringLiteral("1"));
    EXPECT_EQ(model->columnOf(QStringLiteral("File")), -1);
    EXPECT_NE(dialog.whyText().indexOf(QString::fromStdString(best->fileName)), -1);
    EXPECT_NE(model->headerData(model->columnOf(QStringLiteral("Score")), Qt::Horizontal, Qt::ToolTipRole)
                  .toString()
                  .indexOf(QStringLiteral("Shape score")),
              -1);
    ASSERT_TRUE(dialog.applySelected());
    EXPECT_EQ(doc.undoStack()->count(), 1);
    ASSERT_TRUE(doc.analysis().has_value());
    // The document now has the candidate's shape, so core counts the candidate's parameters.
    EXPECT_EQ(doc.analysis()->params.total, best->parameters);
    EXPECT_EQ(doc.value("hidden_size"), Json(best->config.hiddenSize));
    // Save As now suggests the candidate's name, not untitled.json.
    EXPECT_EQ(doc.fileName().toStdString(), best->fileName);
    doc.undoStack()->undo();
    EXPECT_EQ(doc.value("hidden_size"), Json(512));

    // A bad target is refused before anything runs.
    dialog.targetEdit()->setText(QStringLiteral("a lot"));
    EXPECT_FALSE(dialog.startSearch());
}

TEST(MainWindow, AsksAboutUnsavedChangesOnClose)
{
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    window.show();
    ASSERT_TRUE(window.designerView()->openBundled(QStringLiteral("llama_20m")));
    window.designerDocument()->setField("num_hidden_layers", Json(6));
    int asked = 0;
    window.designerView()->actions()->unsavedPrompt = [&](const QString&) {
        ++asked;
        return QMessageBox::Cancel;
    };
    EXPECT_FALSE(window.close());
    EXPECT_EQ(asked, 1);
    EXPECT_TRUE(window.isVisible());
    window.designerView()->actions()->unsavedPrompt = [&](const QString&) {
        ++asked;
        return QMessageBox::Discard;
    };
    EXPECT_TRUE(window.close());
    EXPECT_EQ(asked, 2);
}

TEST(MainWindow, TheDesignersDraftIsARowOfTheCompareModel)
{
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    CompareModel* model = window.compareModel();
    EXPECT_EQ(model->rowCount(), 16); // the placeholder document is not a draft
    ASSERT_TRUE(window.designerView()->openBundled(QStringLiteral("llama_60m")));
    EXPECT_EQ(model->rowCount(), 16); // nor is an unedited copy: it would duplicate llama_60m
    window.designerDocument()->setField("hidden_size", Json(576));
    ASSERT_EQ(model->rowCount(), 17);
    const int draft = model->rowCount() - 1;
    ASSERT_TRUE(model->isDraft(draft));
    // Labelled once, here; the other views show this name as it is.
    EXPECT_EQ(model->index(draft, 0).data().toString(), QStringLiteral("llama_60m (draft)"));
    const Analysis expected = expectedWithHidden("llama_60m", 576);
    EXPECT_EQ(model->index(draft, CompareModel::columnOf("params")).data().toString().toStdString(),
              formatCount(expected.params.total));
    window.designerDocument()->endEditSession();                   // the next edit is a separate step
    window.designerDocument()->setField("hidden_size", Json(500)); // invalid: the draft leaves
    EXPECT_EQ(model->rowCount(), 16);
    window.designerDocument()->undoStack()->undo();
    EXPECT_EQ(model->rowCount(), 17);
    window.designerDocument()->undoStack()->setClean();
}

} // namespace
} // namespace llamascope::gui
