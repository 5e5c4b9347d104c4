from django import forms

from affectweb.dashboard.models import Study


class StudyForm(forms.ModelForm):
    class Meta:
        model = Study
        fields = ["name"]

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.owner = owner

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Study.objects.filter(owner=self.instance.owner, name=name).exists():
            raise forms.ValidationError("You already have a study with this name.")
        return name
