/** The one hidden file input (rendered by the app root); every "Open files" control clicks it. */
export const FILE_INPUT_ID = 'imascope-file-input';

export function OpenFilesButton({ label, large = false }: { readonly label: string; readonly large?: boolean }) {
  return (
    <button
      type="button"
      className={`button button--primary${large ? ' button--large' : ''}`}
      onClick={() => document.getElementById(FILE_INPUT_ID)?.click()}
    >
      {label}
    </button>
  );
}
