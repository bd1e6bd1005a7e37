/** What the server needs of veil-he to check uploaded objects: headers and cached contexts. */
package dev.veil.server.he;
