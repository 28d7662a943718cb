#pragma once
// Private helpers: combo boxes over core's enum tables (enum_table.hpp). Each item shows the
// table's name, carries the name as its data and the help line as its tooltip, so the GUI
// offers the choices the CLI does, spelled and explained the same way.

#include "text.hpp"

#include "llamascope/enum_table.hpp"

#include <QComboBox>
#include <QString>

#include <functional>
#include <optional>
#include <type_traits>

namespace llamascope::gui {

/// Appends one item per entry of `table` that `keep` accepts (default: all). The item's text
/// is the name unless `label` words it otherwise ("ZeRO 3 (FULL_SHARD)"); its data is always
/// the name and its tooltip the help.
template <typename E>
void addEnumItems(QComboBox* box, const EnumTable<E>& table,
                  const std::type_identity_t<std::function<bool(E)>>& keep = {},
                  const std::type_identity_t<std::function<QString(const EnumEntry<E>&)>>& label = {})
{
    for (const EnumEntry<E>& e : table.entries()) {
        if (keep && !keep(e.value))
            continue;
        box->addItem(label ? label(e) : qs(e.name), qs(e.name));
        box->setItemData(box->count() - 1, qs(e.help), Qt::ToolTipRole);
    }
}

/// Selects the item of `value` (typically a core option struct's default); false if absent.
template <typename E>
bool selectEnum(QComboBox* box, const EnumTable<E>& table, E value)
{
    const int i = box->findData(qs(table.name(value)));
    if (i >= 0)
        box->setCurrentIndex(i);
    return i >= 0;
}

/// The value of the current item, or nullopt for an item outside the table ("any").
template <typename E>
std::optional<E> enumValue(const QComboBox* box, const EnumTable<E>& table)
{
    return table.find(box->currentData().toString().toStdString());
}

} // namespace llamascope::gui
