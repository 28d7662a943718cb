#pragma once
// The inputs of "fit to target": what to hit (parameters, forward FLOPs, training memory or a
// compute budget, with the options each needs) and the shape constraints. Every starting
// value is core's default (DesignTarget, DesignConstraints, MemoryOptions); read() turns the
// widgets into core's structs and lets core check them.

#include "llamascope/design.hpp"

#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace llamascope::gui {

class FitInputs final : public QWidget {
    Q_OBJECT
public:
    /// `start` (the document's config, when valid) gives the vocabulary, context length and
    /// position type the search keeps.
    FitInputs(const std::optional<ModelConfig>& start, QWidget* parent = nullptr);

    [[nodiscard]] QLineEdit* targetEdit() const { return target_; }

    struct Request {
        DesignTarget target;
        DesignConstraints constraints;
    };
    /// The target and constraints as typed. Throws InvalidArgument (core's message, naming the
    /// field in words) when core cannot use them.
    [[nodiscard]] Request read() const;

private:
    void updateTargetHint();

    std::optional<ModelConfig> start_;
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
};

} // namespace llamascope::gui
