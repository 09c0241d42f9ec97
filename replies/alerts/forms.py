"""The address fields of the sign-up and manage-link forms."""

from __future__ import annotations

from django import forms


class AddressForm(forms.Form):
    email = forms.EmailField(
        label="邮箱地址",
        max_length=254,
        error_messages={"required": "请填写邮箱地址。", "invalid": "邮箱地址格式不正确。"},
    )

    def clean_email(self) -> str:
        """The address, trimmed and in lower case (one subscription per address)."""
        return self.cleaned_data["email"].strip().lower()
