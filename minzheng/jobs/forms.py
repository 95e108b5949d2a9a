from django import forms


class JobStartForm(forms.Form):
    """Starts a job of one of the kinds the user may start, with the kind's default parameters."""

    kind = forms.ChoiceField(label="任务类型", choices=())

    def __init__(self, *args, kinds, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(spec.name, spec.title) for spec in kinds]
