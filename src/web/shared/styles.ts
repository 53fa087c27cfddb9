// The NL Design System style sheets, in cascade order: design tokens first (the EUPL-1.2 example theme,
// class `voorbeeld-theme`), then the component CSS, then open-rvp's own theme layer and layout
// (`theme.css`, class `rvp-theme`, which only uses tokens). Imported once by each app's entry point.
// The example theme's font.css and custom.css are empty placeholders and are not imported.
import '@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css';
import '@nl-design-system-candidate/skip-link-css/skip-link.css';
import '@nl-design-system-candidate/heading-css/heading.css';
import '@nl-design-system-candidate/paragraph-css/paragraph.css';
import '@nl-design-system-candidate/link-css/link.css';
import '@nl-design-system-candidate/button-css/button.css';
import '@utrecht/page-header-css/dist/index.css';
import '@utrecht/page-footer-css/dist/index.css';
import '@utrecht/table-css/dist/index.css';
import '@utrecht/form-field-css/dist/index.css';
import '@utrecht/form-label-css/dist/index.css';
import '@utrecht/textbox-css/dist/index.css';
import '@utrecht/select-css/dist/index.css';
import '@utrecht/textarea-css/dist/index.css';
import '@utrecht/radio-button-css/dist/index.css';
import '@utrecht/alert-css/dist/index.css';
import './theme.css';
