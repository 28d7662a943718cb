#include "llamascope/gui/designer_document.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/document.hpp"
#include "llamascope/embedded.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/gui/workspace.hpp"
#include "llamascope/io.hpp"

#include <QFileInfo>
#include <QUndoStack>

#include <algorithm>
#include <exception>

namespace llamascope::gui {
namespace {

int keyIndex(const Json& object, const std::string& key)
{
    int i = 0;
    for (auto it = object.begin(); it != object.end(); ++it, ++i)
        if (it.key() == key)
            return i;
    return -1;
}

bool keysSorted(const Json& object)
{
    const std::string* previous = nullptr;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (previous != nullptr && *previous > it.key())
            return false;
        previous = &it.key();
    }
    return true;
}

/// Inserts `key` at `position` (or, when -1, in sorted place for a sorted object, else last).
void insertKey(Json& object, const std::string& key, const Json& value, int position)
{
    if (position < 0) {
        if (!keysSorted(object)) {
            object[key] = value;
            return;
        }
        position = 0;
        for (auto it = object.begin(); it != object.end() && it.key() < key; ++it)
            ++position;
    }
    Json rebuilt = Json::object();
    int i = 0;
    bool inserted = false;
    for (auto it = object.begin(); it != object.end(); ++it, ++i) {
        if (i == position) {
            rebuilt[key] = value;
            inserted = true;
        }
        rebuilt[it.key()] = it.value();
    }
    if (!inserted)
        rebuilt[key] = value;
    object = std::move(rebuilt);
}

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

QString describeChange(const std::string& key, const std::optional<Json>& value)
{
    if (!value)
        return QStringLiteral("Remove %1").arg(qs(key));
    QString v = qs(value->dump());
    if (v.size() > 40)
        v = v.left(37) + QStringLiteral("...");
    return QStringLiteral("Set %1 to %2").arg(qs(key), v);
}

// ---- SetFieldsCommand ---------------------------------------------------------------------

SetFieldsCommand::SetFieldsCommand(DesignerDocument* document, std::vector<FieldChange> changes,
                                   const QString& text)
    : document_(document), changes_(std::move(changes)), session_(document->editSession())
{
    setText(text);
}

void SetFieldsCommand::undo()
{
    document_->applyChanges(changes_, true);
}

void SetFieldsCommand::redo()
{
    document_->applyChanges(changes_, false);
}

int SetFieldsCommand::id() const
{
    // Only single-field edits merge (typing or stepping one value); shape applications don't.
    return changes_.size() == 1 ? 1 : -1;
}

bool SetFieldsCommand::mergeWith(const QUndoCommand* other)
{
    const auto* o = dynamic_cast<const SetFieldsCommand*>(other);
    if (o == nullptr || o->changes_.size() != 1 || changes_.size() != 1 || o->document_ != document_ ||
        o->changes_.front().key != changes_.front().key || o->session_ != session_)
        return false;
    changes_.front().after = o->changes_.front().after;
    setText(describeChange(changes_.front().key, changes_.front().after));
    // Back where it started: the merged command does nothing and leaves the stack.
    setObsolete(changes_.front().after == changes_.front().before);
    return true;
}

// ---- DesignerDocument ---------------------------------------------------------------------

DesignerDocument::DesignerDocument(QObject* parent) : QObject(parent), undo_(new QUndoStack(this))
{
    connect(undo_, &QUndoStack::cleanChanged, this, [this](bool clean) { emit modifiedChanged(!clean); });
    ModelConfig start = ModelConfig::withShape(512, 8, 8, 1376, 32000, 1024);
    start.name = "untitled";
    newFromConfig(start);
}

DesignerDocument::~DesignerDocument() = default;

QString DesignerDocument::sourceName() const
{
    return path_.isEmpty() ? suggestedName_ : path_;
}

QString DesignerDocument::fileName() const
{
    return path_.isEmpty() ? suggestedName_ : QFileInfo(path_).fileName();
}

bool DesignerDocument::isModified() const
{
    return !undo_->isClean();
}

void DesignerDocument::load(Json root, QString rawText, QString path, QString sourceName, bool editable)
{
    undo_->clear();
    ++session_;
    root_ = std::move(root);
    rawRoot_ = root_;
    rawText_ = std::move(rawText);
    path_ = std::move(path);
    suggestedName_ = std::move(sourceName);
    editable_ = editable;
    undo_->setClean();
    revalidate();
    emit reset();
    emit filePathChanged(path_);
    emit modifiedChanged(false);
}

void DesignerDocument::newFromConfig(const ModelConfig& config)
{
    ModelConfig fresh = config;
    fresh.original = nullptr; // the modern canonical form, not a loaded file's
    const Json root = toHfJson(fresh);
    const std::string name = config.name.empty() ? std::string("untitled") : config.name;
    load(root, QString(), QString(), qs(name + ".json"), true);
    // A new document is unsaved by definition, but has nothing to lose until edited.
}

bool DesignerDocument::newFromBundled(const QString& name)
{
    const std::string wanted = name.toStdString();
    for (const EmbeddedFile& f : bundledConfigFiles()) {
        if (f.name != wanted)
            continue;
        const Document doc = parseDocument(f.text, std::string(f.name) + ".json");
        const QString text = QString::fromUtf8(f.text.data(), static_cast<qsizetype>(f.text.size()));
        load(doc.root ? *doc.root : Json::object(), text, QString(), name + QStringLiteral(".json"),
             doc.parsed() && doc.root->is_object());
        return true;
    }
    return false;
}

bool DesignerDocument::openFile(const QString& path, QString* error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    CappedRead read;
    try {
        read = readFileCapped(toFsPath(absolute), ParseLimits{}.maxBytes + 1);
    } catch (const std::exception& e) {
        if (error != nullptr)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    const Document doc = parseDocument(read.bytes, absolute.toStdString());
    // The form can only represent a clean JSON object: anything the parser had to flag
    // (syntax, duplicate keys, numbers that do not fit, encoding) would be silently changed
    // by re-writing the text, so such files open read-only with their findings.
    const bool editable =
        doc.parsed() && doc.findings.empty() && doc.badNumbers.empty() && doc.root && doc.root->is_object();
    load(editable ? *doc.root : Json::object(),
         QString::fromUtf8(read.bytes.data(), static_cast<qsizetype>(read.bytes.size())), absolute,
         QFileInfo(absolute).fileName(), editable);
    return true;
}

QString DesignerDocument::saveText() const
{
    if (result_.config)
        return qs(toHfJsonText(*result_.config));
    return text_;
}

bool DesignerDocument::save(const QString& path, QString* error)
{
    if (!editable_) {
        if (error != nullptr)
            *error = QStringLiteral("This file cannot be represented in the form; fix it in a text editor.");
        return false;
    }
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QString content = saveText();
    try {
        writeFileAtomic(toFsPath(absolute), content.toStdString(), Overwrite::Allow);
    } catch (const std::exception& e) {
        if (error != nullptr)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    path_ = absolute;
    rawText_ = content;
    suggestedName_ = QFileInfo(absolute).fileName();
    // Re-read what was written so the document is exactly the file (key order included).
    const Document doc = parseDocument(content.toStdString(), absolute.toStdString());
    if (doc.parsed() && doc.root && doc.root->is_object())
        root_ = *doc.root;
    rawRoot_ = root_;
    undo_->setClean(); // emits modifiedChanged(false) when it was modified
    revalidate();
    emit filePathChanged(path_);
    return true;
}

void DesignerDocument::setSuggestedName(const QString& fileName)
{
    if (!path_.isEmpty() || fileName.isEmpty())
        return;
    suggestedName_ = fileName;
    emit filePathChanged(path_); // titles show the new name
}

std::optional<Json> DesignerDocument::value(const std::string& key) const
{
    if (!root_.is_object())
        return std::nullopt;
    const auto it = root_.find(key);
    if (it == root_.end())
        return std::nullopt;
    return *it;
}

void DesignerDocument::setField(const std::string& key, const std::optional<Json>& value)
{
    setFields({{key, value}}, describeChange(key, value));
}

void DesignerDocument::setFields(const std::vector<std::pair<std::string, std::optional<Json>>>& values,
                                 const QString& description)
{
    if (!editable_)
        return;
    std::vector<FieldChange> changes;
    for (const auto& [key, after] : values) {
        FieldChange c;
        c.key = key;
        c.before = value(key);
        c.after = after;
        c.position = keyIndex(root_, key);
        if (c.before != c.after)
            changes.push_back(std::move(c));
    }
    if (changes.empty())
        return;
    undo_->push(new SetFieldsCommand(this, std::move(changes), description));
}

void DesignerDocument::applyChanges(const std::vector<FieldChange>& changes, bool undo)
{
    QStringList keys;
    auto apply = [&](const FieldChange& c) {
        const std::optional<Json>& v = undo ? c.before : c.after;
        const int at = keyIndex(root_, c.key);
        if (!v) {
            if (at >= 0)
                root_.erase(c.key);
        } else if (at >= 0) {
            root_[c.key] = *v;
        } else {
            insertKey(root_, c.key, *v, undo ? c.position : -1);
        }
        keys << qs(c.key);
    };
    if (undo)
        std::for_each(changes.rbegin(), changes.rend(), apply);
    else
        std::for_each(changes.begin(), changes.end(), apply);
    revalidate();
    emit fieldsChanged(keys);
}

void DesignerDocument::revalidate()
{
    // Unedited (or edited back to the saved content): the file's own text, so line:column
    // match the file.
    if (!editable_ || (!rawText_.isEmpty() && root_ == rawRoot_))
        text_ = rawText_;
    else
        text_ = qs(root_.dump(2) + "\n");
    const std::string text = text_.toStdString();
    result_ = loadConfigText(text, sourceName().toStdString());
    if (isBundledText(text)) // an unedited copy of a published family member (SPEC §2)
        markKnownQuirks(result_.report);
    analysis_.reset();
    if (result_.config) {
        try {
            analysis_ = analyze(*result_.config);
        } catch (const std::exception&) {
            // Validated configs always analyse; never let a slot throw if that changes.
            analysis_.reset();
        }
    }
    emit validated();
}

std::optional<Json> DesignerDocument::parseFieldText(const QString& text, bool asString, QString* error,
                                                     bool* remove)
{
    if (remove != nullptr)
        *remove = false;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        if (remove != nullptr)
            *remove = true;
        return std::nullopt;
    }
    if (asString)
        return Json(text.toStdString());
    const Document doc = parseDocument(trimmed.toStdString(), "field");
    if (!doc.badNumbers.empty()) {
        if (error != nullptr)
            *error = qs(doc.badNumbers.begin()->second);
        return std::nullopt;
    }
    if (doc.parsed() && doc.findings.empty() && doc.root)
        return *doc.root;
    // Not JSON: keep it as typed, as a string; the validator says what is wrong with that.
    return Json(trimmed.toStdString());
}

} // namespace llamascope::gui
