// The NL Design System style sheets, in cascade order: design tokens first, then the component CSS, then
// the app's own layout (which only uses tokens). Imported once by each app's entry point.
import '@rijkshuisstijl-community/design-tokens/dist/index.css';
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
