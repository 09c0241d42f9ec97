"""Helpers for posting admin forms as a person would, from the page that was shown."""

from __future__ import annotations


def change_form_data(page) -> dict[str, object]:
    """The POST data of an admin change form as it was shown (fields and inline formsets)."""
    data: dict[str, object] = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.extend(formset.forms)
        forms.append(formset.management_form)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value
    return data
