// In an admin form with a kecamatan and a desa field (an event: Tempat), the desa
// autocomplete offers only the desa of the kecamatan chosen, and a desa chosen
// before is cleared when the kecamatan changes. The server narrows the list
// (registry.admin.DesaAdmin.get_search_results reads ?kecamatan=); this adds the
// chosen kecamatan to the autocomplete's request. Loaded with the autocomplete widgets.
"use strict";
{
  const $ = django.jQuery;

  $.ajaxPrefilter((options) => {
    if (!options.url || !options.url.includes("/autocomplete/") || typeof options.data !== "string") {
      return;
    }
    const params = new URLSearchParams(options.data);
    const kecamatan = document.getElementById("id_kecamatan");
    if (params.get("field_name") === "desa" && kecamatan && kecamatan.value) {
      params.set("kecamatan", kecamatan.value);
      options.data = params.toString();
    }
  });

  // Only a real change of kecamatan clears the desa: Django's RelatedObjectLookups.js triggers
  // "change" on every related select when the page loads, which cleared the desa of an event
  // opened for editing, or prefilled (?kecamatan=..&desa=..: a sosialisasi planned from a wish).
  $(document).on("change", "#id_kecamatan", (event) => {
    const kecamatan = event.target;
    const loaded = [...kecamatan.options].find((option) => option.defaultSelected);
    const before = kecamatan.dataset.kecamatanBefore ?? (loaded ? loaded.value : "");
    kecamatan.dataset.kecamatanBefore = kecamatan.value;
    const desa = document.getElementById("id_desa");
    if (kecamatan.value !== before && desa && desa.value) {
      $(desa).val(null).trigger("change");
    }
  });
}
