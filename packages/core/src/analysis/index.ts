/** Download reconstruction, exposure window, actors, timeline, narrative. */
export {};
